"""A site upgraded with the old defaults gets the new ones; chosen values are kept."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from broadsheet.screening.models import DEFAULT_SPAM_HOLD_THRESHOLD, ScreeningSettings

BEFORE = [("screening", "0002_screeningsettings")]


def migrate_to(targets: list[tuple[str, str]]) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return MigrationExecutor(connection)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("old", "new"),
    [
        ({"spam_hold_threshold": 0.9, "hold_link_limit": 2}, (DEFAULT_SPAM_HOLD_THRESHOLD, None)),
        ({"spam_hold_threshold": 0.8, "hold_link_limit": 5}, (0.8, 5)),
    ],
)
def test_the_old_defaults_become_the_new_ones(old, new) -> None:
    executor = migrate_to(BEFORE)
    old_apps = executor.loader.project_state(BEFORE).apps
    old_apps.get_model("screening", "ScreeningSettings").objects.update_or_create(
        pk=1, defaults=old
    )
    migrate_to(executor.loader.graph.leaf_nodes())
    settings = ScreeningSettings.current()
    assert (settings.spam_hold_threshold, settings.hold_link_limit) == new
