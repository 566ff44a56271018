"""Every environment variable is checked at start, and a bad one is named in the message."""

from __future__ import annotations

import pytest

from broadsheet import configuration
from broadsheet.configuration import ConfigurationError


def test_default_database_is_a_wal_sqlite_file_under_var(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    config = configuration.database(tmp_path)
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert config["NAME"] == str(tmp_path / "broadsheet.sqlite3")
    assert "journal_mode=WAL" in config["OPTIONS"]["init_command"]


def test_postgres_urls_use_psycopg_with_persistent_checked_connections(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://ann:secret@db.example:5433/news")
    config = configuration.database(tmp_path)
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["HOST"], config["PORT"], config["NAME"], config["USER"]) == (
        "db.example",
        5433,
        "news",
        "ann",
    )
    assert config["CONN_HEALTH_CHECKS"] is True


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("DATABASE_URL", "mysql://localhost/news", "unsupported database 'mysql'"),
        ("DATABASE_URL", "postgres://localhost", "names no PostgreSQL database"),
        ("DATABASE_URL", "not a url", "unsupported database"),
        ("REDIS_URL", "http://localhost:6379", "expected redis://"),
        ("SITE_TIME_ZONE", "Mars/Olympus", "unknown time zone"),
        ("EMAIL_URL", "pigeon://coop", "unsupported mail transport"),
        ("EMAIL_URL", "smtp://", "names no mail server"),
        ("BROADSHEET_ENV", "staging", "expected development or production"),
        ("DEBUG", "maybe", "expected true or false"),
        ("BROADSHEET_THEME_DIR", "/no/such/theme", "is not a directory (or does not exist)"),
        ("BROADSHEET_RATE_LIMIT_SCALE", "-1", "expected a number from 0"),
        ("BROADSHEET_RATE_LIMIT_SCALE", "lots", "expected a number from 0"),
    ],
)
def test_a_bad_value_is_refused_naming_the_variable(
    tmp_path, monkeypatch, variable, value, message
):
    monkeypatch.setenv(variable, value)
    readers = {
        "DATABASE_URL": lambda: configuration.database(tmp_path),
        "REDIS_URL": lambda: configuration.caches(tmp_path),
        "SITE_TIME_ZONE": configuration.site_time_zone,
        "EMAIL_URL": lambda: configuration.mailers(tmp_path, production=False),
        "BROADSHEET_ENV": configuration.is_production,
        "DEBUG": lambda: configuration.env_flag("DEBUG", default=False),
        "BROADSHEET_THEME_DIR": configuration.theme_directory,
        "BROADSHEET_RATE_LIMIT_SCALE": configuration.rate_limit_scale,
    }
    with pytest.raises(ConfigurationError) as raised:
        readers[variable]()
    assert str(raised.value).startswith(f"{variable}: ")
    assert message in str(raised.value)


def test_secret_key_is_generated_once_for_the_embedded_site(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = configuration.secret_key(tmp_path, production=False)
    assert len(first) >= 50
    assert configuration.secret_key(tmp_path, production=False) == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600


def test_production_requires_a_strong_secret_key_and_allowed_hosts(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("ALLOWED_HOSTS", raising=False)
    with pytest.raises(ConfigurationError, match=r"^SECRET_KEY: is required"):
        configuration.secret_key(tmp_path, production=True)
    monkeypatch.setenv("SECRET_KEY", "short")
    with pytest.raises(ConfigurationError, match="at least 50"):
        configuration.secret_key(tmp_path, production=True)
    with pytest.raises(ConfigurationError, match=r"^ALLOWED_HOSTS: is required"):
        configuration.allowed_hosts(production=True)
    monkeypatch.setenv("ALLOWED_HOSTS", "news.example.org, www.news.example.org")
    assert configuration.allowed_hosts(production=True) == [
        "news.example.org",
        "www.news.example.org",
    ]


def test_redis_url_selects_django_redis_cache_and_default_is_a_shared_file_cache(
    tmp_path, monkeypatch
):
    monkeypatch.delenv("REDIS_URL", raising=False)
    assert configuration.caches(tmp_path)["default"]["BACKEND"].endswith("FileBasedCache")
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/3")
    cache = configuration.caches(tmp_path)["default"]
    assert cache["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert cache["LOCATION"] == "redis://127.0.0.1:6379/3"


def test_email_url_becomes_a_mailer(tmp_path, monkeypatch):
    monkeypatch.delenv("EMAIL_URL", raising=False)
    development = configuration.mailers(tmp_path, production=False)["default"]
    assert development["OPTIONS"]["file_path"] == str(tmp_path / "mail")
    production = configuration.mailers(tmp_path, production=True)["default"]
    assert production["OPTIONS"]["host"] == "localhost"
    monkeypatch.setenv("EMAIL_URL", "smtps://ann%40x.org:p%2Fw@mail.example:465")
    options = configuration.mailers(tmp_path, production=True)["default"]["OPTIONS"]
    assert (options["host"], options["port"], options["username"], options["password"]) == (
        "mail.example",
        465,
        "ann@x.org",
        "p/w",
    )
    assert options["use_ssl"] is True


def test_without_a_theme_dir_the_built_in_theme_stands_alone(monkeypatch):
    monkeypatch.delenv("BROADSHEET_THEME_DIR", raising=False)
    theme_dir = configuration.theme_directory()
    assert theme_dir is None
    assert configuration.theme_subdirectories(theme_dir, configuration.THEME_TEMPLATES) == []


def test_a_theme_dir_must_be_a_folder_holding_templates_or_static_files(tmp_path, monkeypatch):
    a_file = tmp_path / "theme.css"
    a_file.write_text("")
    monkeypatch.setenv("BROADSHEET_THEME_DIR", str(a_file))
    with pytest.raises(ConfigurationError, match=r"^BROADSHEET_THEME_DIR: .* is not a directory"):
        configuration.theme_directory()
    monkeypatch.setenv("BROADSHEET_THEME_DIR", str(tmp_path))
    with pytest.raises(
        ConfigurationError, match=r"^BROADSHEET_THEME_DIR: .* neither a templates/ nor a static/"
    ):
        configuration.theme_directory()


def test_a_theme_dir_lends_the_folders_it_has(tmp_path, monkeypatch):
    (tmp_path / "templates").mkdir()
    monkeypatch.setenv("BROADSHEET_THEME_DIR", f" {tmp_path} ")
    theme_dir = configuration.theme_directory()
    assert theme_dir == tmp_path.resolve()
    assert configuration.theme_subdirectories(theme_dir, configuration.THEME_TEMPLATES) == [
        tmp_path.resolve() / "templates"
    ]
    # No static/ folder: nothing for Django to warn about or search.
    assert configuration.theme_subdirectories(theme_dir, configuration.THEME_STATIC) == []
