"""DATABASE_REPLICA_URL: reads outside transactions go to the replica, everything else to the
primary. The two-host test (tests/hosts/test_two_hosts.py) serves a whole site this way."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from django.db import transaction

from broadsheet import configuration
from broadsheet.accounts.models import User
from broadsheet.configuration import ConfigurationError
from broadsheet.db_routers import REPLICA, ReplicaRouter
from broadsheet.discussion.models import Comment

PRIMARY = "postgres://broadsheet:secret@primary.example:5432/news"
REPLICA_URL = "postgres://broadsheet:secret@replica.example:5432/news"


@pytest.mark.django_db(transaction=True)  # no test-wide transaction: reads may leave it
def test_reads_go_to_the_replica_unless_a_transaction_is_open_on_the_primary() -> None:
    router = ReplicaRouter()
    assert router.db_for_read(User) == REPLICA
    with transaction.atomic():
        # What a service reads before it writes is what the primary holds.
        assert router.db_for_read(Comment) == "default"
    assert router.db_for_read(Comment) == REPLICA


def test_writes_and_migrations_go_to_the_primary_alone() -> None:
    router = ReplicaRouter()
    assert router.db_for_write(Comment) == "default"
    assert router.allow_migrate("default", "discussion") is True
    assert router.allow_migrate(REPLICA, "discussion") is False
    assert router.allow_relation(User(), Comment()) is True


def test_without_a_replica_url_there_is_no_replica(monkeypatch) -> None:
    monkeypatch.delenv("DATABASE_REPLICA_URL", raising=False)
    assert configuration.database_replica() is None


def test_a_replica_url_becomes_a_second_connection_that_tests_mirror(monkeypatch) -> None:
    monkeypatch.setenv("DATABASE_URL", PRIMARY)
    monkeypatch.setenv("DATABASE_REPLICA_URL", REPLICA_URL)
    replica = configuration.database_replica()
    assert replica is not None
    assert (replica["HOST"], replica["NAME"]) == ("replica.example", "news")
    assert replica["ENGINE"] == "django.db.backends.postgresql"
    assert replica["TEST"] == {"MIRROR": "default"}


@pytest.mark.parametrize(
    ("primary", "replica", "message"),
    [
        (PRIMARY, "sqlite:///replica.sqlite3", "a read replica must be PostgreSQL"),
        ("sqlite:///site.sqlite3", REPLICA_URL, "needs DATABASE_URL to name the PostgreSQL"),
        (PRIMARY, "postgres://replica.example", "names no PostgreSQL database"),
    ],
)
def test_a_replica_that_cannot_work_is_refused_naming_the_variable(
    monkeypatch, primary, replica, message
) -> None:
    monkeypatch.setenv("DATABASE_URL", primary)
    monkeypatch.setenv("DATABASE_REPLICA_URL", replica)
    with pytest.raises(ConfigurationError, match=r"^DATABASE_REPLICA_URL: ") as raised:
        configuration.database_replica()
    assert message in str(raised.value)


def test_the_settings_route_through_the_replica_only_when_one_is_configured(tmp_path) -> None:
    script = (
        "import json, django; django.setup(); from django.conf import settings; "
        "print(json.dumps([sorted(settings.DATABASES), settings.DATABASE_ROUTERS]))"
    )

    def settings_with(**variables: str) -> list[object]:
        environment = {
            **{name: value for name, value in os.environ.items() if not name.startswith("DATA")},
            "DJANGO_SETTINGS_MODULE": "broadsheet.settings",
            "BROADSHEET_VAR_DIR": str(tmp_path),
            **variables,
        }
        finished = subprocess.run(  # noqa: S603 - this interpreter, reading the settings
            [sys.executable, "-c", script],
            env=environment,
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        return list(json.loads(finished.stdout.strip().splitlines()[-1]))

    assert settings_with(DATABASE_URL=PRIMARY) == [["default"], []]
    assert settings_with(DATABASE_URL=PRIMARY, DATABASE_REPLICA_URL=REPLICA_URL) == [
        ["default", "replica"],
        ["broadsheet.db_routers.ReplicaRouter"],
    ]
