"""Read and validate the environment that configures a Broadsheet site.

Every variable is checked when the settings load, so that a mistake stops the process at
start with a message naming the variable, instead of failing on the first request.
"""

from __future__ import annotations

import os
import secrets
import zoneinfo
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured

SQLITE_SCHEMES = {"sqlite"}
POSTGRES_SCHEMES = {"postgres", "postgresql", "pgsql"}
REDIS_SCHEMES = {"redis", "rediss", "unix"}
EMAIL_SCHEMES = {"smtp", "smtps", "submission", "console", "file", "memory", "dummy"}
MIN_PRODUCTION_SECRET_KEY_LENGTH = 50  # Django's own deploy check asks for at least 50
# A CDN, a load balancer and a local nginx make three; a number far above that is a typo.
MAX_TRUSTED_PROXIES = 10
# What a site's theme folder may hold: Jinja2 templates and static files, each overriding the
# built-in file of the same name (docs/theming.md).
THEME_TEMPLATES = "templates"
THEME_STATIC = "static"


class ConfigurationError(ImproperlyConfigured):
    """A variable of the environment has a value Broadsheet cannot use."""

    def __init__(self, variable: str, problem: str) -> None:
        self.variable = variable
        super().__init__(f"{variable}: {problem}")


def env_text(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_flag(name: str, default: bool) -> bool:
    raw = env_text(name)
    if not raw:
        return default
    lowered = raw.lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ConfigurationError(name, f"expected true or false, got {raw!r}")


def var_directory() -> Path:
    """The folder for the embedded site's state: SQLite file, secret key, mail, cache."""
    path = Path(env_text("BROADSHEET_VAR_DIR", "var")).resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def is_production() -> bool:
    value = env_text("BROADSHEET_ENV", "development").lower()
    if value not in {"development", "production"}:
        raise ConfigurationError(
            "BROADSHEET_ENV", f"expected development or production, got {value!r}"
        )
    return value == "production"


def secret_key(var_dir: Path, production: bool) -> str:
    key = env_text("SECRET_KEY")
    if key:
        if production and len(key) < MIN_PRODUCTION_SECRET_KEY_LENGTH:
            raise ConfigurationError(
                "SECRET_KEY",
                f"must be at least {MIN_PRODUCTION_SECRET_KEY_LENGTH} random characters "
                "in production",
            )
        return key
    if production:
        raise ConfigurationError(
            "SECRET_KEY",
            "is required when BROADSHEET_ENV=production "
            '(generate one with: python -c "import secrets; print(secrets.token_urlsafe(64))")',
        )
    key_file = var_dir / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(64))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def database(var_dir: Path) -> dict[str, Any]:
    raw = env_text("DATABASE_URL") or f"sqlite:///{var_dir / 'broadsheet.sqlite3'}"
    return _database_from_url("DATABASE_URL", raw)


def database_replica() -> dict[str, Any] | None:
    """The read replica's connection (DATABASE_REPLICA_URL), or None when there is none.

    A PostgreSQL standby of the primary that DATABASE_URL names: broadsheet.db_routers sends
    reads outside transactions there. In tests it mirrors the primary (Django's TEST
    MIRROR), so that a test sees what it wrote.
    """
    raw = env_text("DATABASE_REPLICA_URL")
    if not raw:
        return None
    if urlsplit(raw).scheme not in POSTGRES_SCHEMES:
        raise ConfigurationError(
            "DATABASE_REPLICA_URL",
            "a read replica must be PostgreSQL (postgres://user:password@host:5432/name)",
        )
    primary = env_text("DATABASE_URL")
    if urlsplit(primary).scheme not in POSTGRES_SCHEMES:
        raise ConfigurationError(
            "DATABASE_REPLICA_URL", "needs DATABASE_URL to name the PostgreSQL primary"
        )
    config = _database_from_url("DATABASE_REPLICA_URL", raw)
    config["TEST"] = {"MIRROR": "default"}
    return config


def _database_from_url(variable: str, raw: str) -> dict[str, Any]:
    scheme = urlsplit(raw).scheme
    if scheme not in SQLITE_SCHEMES | POSTGRES_SCHEMES:
        raise ConfigurationError(
            variable,
            f"unsupported database {scheme or raw!r}; use sqlite:///path/to/file.sqlite3 "
            "or postgres://user:password@host:5432/name",
        )
    try:
        config: dict[str, Any] = dict(environ.Env.db_url_config(raw))
    except Exception as error:  # the parser raises several kinds; each means a bad URL
        raise ConfigurationError(variable, f"cannot be read ({error})") from error
    if scheme in SQLITE_SCHEMES:
        if not config.get("NAME"):
            raise ConfigurationError(variable, "names no SQLite file")
        config["OPTIONS"] = {
            # WAL lets readers go on while one worker writes; IMMEDIATE takes the write lock
            # at the start of a transaction so that concurrent writers wait instead of failing.
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    else:
        if not config.get("NAME"):
            raise ConfigurationError(variable, "names no PostgreSQL database (…/dbname)")
        config["ENGINE"] = "django.db.backends.postgresql"
        config["CONN_MAX_AGE"] = 60
        config["CONN_HEALTH_CHECKS"] = True
    return config


def caches(var_dir: Path) -> dict[str, Any]:
    raw = env_text("REDIS_URL")
    if raw:
        scheme = urlsplit(raw).scheme
        if scheme not in REDIS_SCHEMES:
            raise ConfigurationError("REDIS_URL", f"expected redis://host:6379/0, got {raw!r}")
        return {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": raw,
                "KEY_PREFIX": "broadsheet",
            }
        }
    # The embedded site runs several worker processes; a file cache is shared between them,
    # where a local-memory cache would give each worker its own, stale, copy.
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(var_dir / "cache"),
        }
    }


def allowed_hosts(production: bool) -> list[str]:
    raw = env_text("ALLOWED_HOSTS")
    if not raw:
        if production:
            raise ConfigurationError(
                "ALLOWED_HOSTS", "is required in production: the host names the site answers to"
            )
        return ["127.0.0.1", "localhost", "[::1]", "testserver"]
    return [host.strip() for host in raw.split(",") if host.strip()]


def trusted_proxies() -> int:
    """How many reverse proxies stand in front of the site, each adding to X-Forwarded-For.

    0 (the default) trusts no header: the client is REMOTE_ADDR. Too high a number would let
    clients choose their own address, so only the operator who knows the setup can raise it.
    """
    raw = env_text("BROADSHEET_TRUSTED_PROXIES") or "0"
    try:
        count = int(raw)
    except ValueError:
        count = -1
    if not 0 <= count <= MAX_TRUSTED_PROXIES:
        raise ConfigurationError(
            "BROADSHEET_TRUSTED_PROXIES",
            f"expected the number of proxies in front of the site, 0 to {MAX_TRUSTED_PROXIES} "
            f"(0 when clients connect directly), got {raw!r}",
        )
    return count


MAX_RATE_LIMIT_SCALE = 1000.0  # a load test's "practically unlimited"


def rate_limit_scale() -> float:
    """How far the operator scales every rate limit: 1 as designed, 10 ten times as many
    writes, 0 none at all. For load tests on a copy of a site, never on one readers use."""
    raw = env_text("BROADSHEET_RATE_LIMIT_SCALE") or "1"
    try:
        scale = float(raw)
    except ValueError:
        scale = -1.0
    if not 0 <= scale <= MAX_RATE_LIMIT_SCALE:
        raise ConfigurationError(
            "BROADSHEET_RATE_LIMIT_SCALE",
            f"expected a number from 0 (no limits, for load tests only) to "
            f"{MAX_RATE_LIMIT_SCALE:g}; 1 keeps the designed limits; got {raw!r}",
        )
    return scale


def theme_directory() -> Path | None:
    """The folder of the site's own theme, or None for the built-in theme alone.

    A folder with neither `templates/` nor `static/` is refused: it is almost certainly the
    wrong folder (its parent, or the templates folder itself), and would change nothing.
    """
    raw = env_text("BROADSHEET_THEME_DIR")
    if not raw:
        return None
    path = Path(raw).expanduser().resolve()
    if not path.is_dir():
        raise ConfigurationError(
            "BROADSHEET_THEME_DIR", f"{raw!r} is not a directory (or does not exist)"
        )
    if not any((path / part).is_dir() for part in (THEME_TEMPLATES, THEME_STATIC)):
        raise ConfigurationError(
            "BROADSHEET_THEME_DIR",
            f"{raw!r} has neither a {THEME_TEMPLATES}/ nor a {THEME_STATIC}/ folder; "
            "point it at the folder that holds them",
        )
    return path


def theme_subdirectories(theme_dir: Path | None, part: str) -> list[Path]:
    """The theme's `templates/` or `static/` folder, as a list to put before the built-in ones."""
    if theme_dir is None or not (theme_dir / part).is_dir():
        return []
    return [theme_dir / part]


def site_time_zone() -> str:
    name = env_text("SITE_TIME_ZONE", "UTC")
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as error:
        raise ConfigurationError(
            "SITE_TIME_ZONE", f"unknown time zone {name!r} (use a name like America/New_York)"
        ) from error
    return name


def mailers(var_dir: Path, production: bool) -> dict[str, Any]:
    """Django's MAILERS setting from EMAIL_URL.

    Without EMAIL_URL, a development site writes mail to var/mail and a production site hands
    it to the machine's own mail server on localhost:25.
    """
    raw = env_text("EMAIL_URL") or ("smtp://localhost:25" if production else "")
    file_backend = {
        "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "OPTIONS": {"file_path": str(var_dir / "mail")},
    }
    if not raw:
        return {"default": file_backend}
    parts = urlsplit(raw)
    if parts.scheme not in EMAIL_SCHEMES:
        raise ConfigurationError(
            "EMAIL_URL",
            f"unsupported mail transport {parts.scheme or raw!r}; "
            "use smtp://user:password@host:587, "
            "smtps://…, console:, or file:///path",
        )
    if parts.scheme == "file":
        if parts.path:
            file_backend["OPTIONS"] = {"file_path": parts.path}
        return {"default": file_backend}
    simple = {
        "console": "django.core.mail.backends.console.EmailBackend",
        "memory": "django.core.mail.backends.locmem.EmailBackend",
        "dummy": "django.core.mail.backends.dummy.EmailBackend",
    }
    if parts.scheme in simple:
        return {"default": {"BACKEND": simple[parts.scheme]}}
    if not parts.hostname:
        raise ConfigurationError(
            "EMAIL_URL", "names no mail server (smtp://user:password@host:587)"
        )
    try:
        port = parts.port
    except ValueError as error:
        raise ConfigurationError("EMAIL_URL", "has a port that is not a number") from error
    options: dict[str, Any] = {
        "host": parts.hostname,
        "port": port,
        "username": unquote(parts.username or ""),
        "password": unquote(parts.password or ""),
        "timeout": 20,
        "use_ssl": parts.scheme == "smtps",
        "use_tls": parts.scheme == "submission" or "tls=true" in parts.query.lower(),
    }
    return {
        "default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend", "OPTIONS": options}
    }
