"""Fixtures for the importers' tests: a Scoop database built in the local MariaDB."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pymysql
import pytest
from pymysql.constants import CLIENT

FIXTURES = Path(__file__).parent / "fixtures"
# The MariaDB every machine here runs (root, no password); SCOOP_TEST_MYSQL overrides it.
MYSQL_SERVER = os.environ.get("SCOOP_TEST_MYSQL", "root@127.0.0.1:3306")


def _server() -> tuple[str, str, int]:
    user, _, address = MYSQL_SERVER.rpartition("@")
    host, _, port = address.partition(":")
    return user or "root", host, int(port or 3306)


def _admin_connection() -> pymysql.connections.Connection[pymysql.cursors.Cursor]:
    user, host, port = _server()
    return pymysql.connect(
        host=host,
        port=port,
        user=user,
        charset="utf8mb4",
        client_flag=CLIENT.MULTI_STATEMENTS,
        autocommit=True,
        connect_timeout=5,
    )


def _run_script(
    connection: pymysql.connections.Connection[pymysql.cursors.Cursor], sql: str
) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        while cursor.nextset():
            pass


@pytest.fixture(scope="session")
def mysql_database() -> Iterator[Callable[[str], str]]:
    """Makes uniquely named databases from SQL scripts; drops them all at the end."""
    try:
        admin = _admin_connection()
    except pymysql.MySQLError as error:
        pytest.skip(
            f"no MariaDB/MySQL server at {MYSQL_SERVER} to build Scoop databases in: {error}"
        )
    made: list[str] = []
    user, host, port = _server()

    def make(*scripts: str) -> str:
        name = f"broadsheet_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
        _run_script(admin, f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4")
        made.append(name)
        admin.select_db(name)
        # Old Scoop databases were made before MySQL refused zero dates.
        _run_script(admin, "SET SESSION sql_mode = ''")
        for script in scripts:
            _run_script(admin, (FIXTURES / script).read_text(encoding="utf-8"))
        return f"mysql://{user}@{host}:{port}/{name}"

    yield make
    for name in made:
        _run_script(admin, f"DROP DATABASE IF EXISTS `{name}`")
    admin.close()


@pytest.fixture(scope="session")
def scoop_database_url(mysql_database: Callable[..., str]) -> str:
    return mysql_database("scoop_schema.sql", "scoop_rows.sql")
