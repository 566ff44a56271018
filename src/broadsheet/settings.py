"""Django settings for Broadsheet.

Everything a site owner may change comes from the environment (see configuration.py and
docs/configuration.md); the rest is fixed here. Site-level choices made in the admin (name,
tagline, time zone, byline) live in publishing.SiteSettings instead.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from django.utils.csp import CSP

from broadsheet import configuration

PACKAGE_DIR = Path(__file__).resolve().parent
VAR_DIR = configuration.var_directory()
PRODUCTION = configuration.is_production()

SECRET_KEY = configuration.secret_key(VAR_DIR, PRODUCTION)
DEBUG = configuration.env_flag("DEBUG", default=False)
if PRODUCTION and DEBUG:
    raise configuration.ConfigurationError("DEBUG", "must be off when BROADSHEET_ENV=production")
ALLOWED_HOSTS = configuration.allowed_hosts(PRODUCTION)
CSRF_TRUSTED_ORIGINS = [
    origin.strip()
    for origin in configuration.env_text("CSRF_TRUSTED_ORIGINS").split(",")
    if origin.strip()
]

INSTALLED_APPS = [
    "broadsheet.theme",
    "broadsheet.accounts",
    "broadsheet.publishing",
    "broadsheet.discussion",
    "broadsheet.guard",
    "broadsheet.screening",
    "broadsheet.moderation",
    "broadsheet.interop",
    "broadsheet.api",
    "ninja",
    "broadsheet.admin_config.BroadsheetAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Compresses pages rendered per request; cached pages arrive compressed already
    # (discussion/page_cache.py) and static files are served pre-compressed by WhiteNoise.
    "django.middleware.gzip.GZipMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Before anything reads the session or looks up what the address names (input_text.py).
    "broadsheet.theme.input_check.RefuseUnstorableText",
    # An imported site's old addresses: looked up on a 404 (and for `/?p=12`), never else;
    # after the check above, so that no unstorable character reaches the query.
    "broadsheet.interop.middleware.OldAddressRedirectMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "broadsheet.publishing.middleware.SiteSettingsMiddleware",
    "broadsheet.theme.middleware.DomainErrorMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks: it turns a lockout into a page
]

# A site's own theme (docs/theming.md): its templates/ and static/ folders are searched before
# the built-in ones, so a file there replaces the built-in file of the same name.
BROADSHEET_THEME_DIR = configuration.theme_directory()

ROOT_URLCONF = "broadsheet.urls"
WSGI_APPLICATION = "broadsheet.wsgi.application"
ASGI_APPLICATION = "broadsheet.asgi.application"

TEMPLATES = [
    {
        # Site pages use Jinja2: the architecture's measurements put it at about a fifth of
        # the Django template language's cost per comment, which decides big threads.
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        # The backend's loader reads DIRS before the apps' jinja2/ folders.
        "DIRS": configuration.theme_subdirectories(
            BROADSHEET_THEME_DIR, configuration.THEME_TEMPLATES
        ),
        "APP_DIRS": True,
        "OPTIONS": {
            "environment": "broadsheet.theme.templating.environment",
            "context_processors": [
                "broadsheet.theme.context_processors.page_context",
            ],
        },
    },
    {
        # The admin and Django's own forms keep the Django template language.
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]
FORM_RENDERER = "django.forms.renderers.DjangoTemplates"

DATABASES = {"default": configuration.database(VAR_DIR)}
# A PostgreSQL read replica (DATABASE_REPLICA_URL): reads outside transactions go there
# (broadsheet/db_routers.py; docs/deploy.md says how the replica must be set up).
DATABASE_REPLICA = configuration.database_replica()
if DATABASE_REPLICA is not None:
    DATABASES["replica"] = DATABASE_REPLICA
    DATABASE_ROUTERS = ["broadsheet.db_routers.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
CACHES = configuration.caches(VAR_DIR)
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "publishing:front_page"
LOGOUT_REDIRECT_URL = "publishing:front_page"
AUTHENTICATION_BACKENDS = [
    # First, so a locked-out username and address are refused before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = configuration.site_time_zone()
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = configuration.theme_subdirectories(
    BROADSHEET_THEME_DIR, configuration.THEME_STATIC
)
# The first finder to hold a path wins, in collectstatic as in development, so the theme's
# folder (FileSystemFinder reads STATICFILES_DIRS) comes before the apps' static/ folders.
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
# `broadsheet serve` collects static files once and serves them hashed and pre-compressed;
# development and tests read them straight from the apps.
STATIC_COLLECTED = configuration.env_flag("BROADSHEET_STATIC_COLLECTED", default=False)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if STATIC_COLLECTED
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not STATIC_COLLECTED
# Source maps are for developers' tools, not readers: not worth compressing at every deploy.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [
    "jpg", "jpeg", "png", "gif", "webp", "zip", "gz", "tgz", "bz2", "tbz", "xz", "br", "swf",
    "flv", "woff", "woff2", "map",
]  # fmt: skip
MEDIA_ROOT = VAR_DIR / "media"

MAILERS = configuration.mailers(VAR_DIR, PRODUCTION)
DEFAULT_FROM_EMAIL = configuration.env_text("DEFAULT_FROM_EMAIL", "broadsheet@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Posts and comments are text; nothing legitimate comes near this, and it bounds memory.
DATA_UPLOAD_MAX_MEMORY_SIZE = 1_000_000

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:", "https:"],
    # Video players load only after the reader clicks a poster.
    "frame-src": ["https://www.youtube-nocookie.com", "https://player.vimeo.com"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
if PRODUCTION:
    SECURE_SSL_REDIRECT = configuration.env_flag("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 31_536_000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = False
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SILENCED_SYSTEM_CHECKS = ["security.W021"]  # HSTS preload is the owner's own decision

NINJA_PAGINATION_PER_PAGE = 20

# Background work (spam filter retraining, emptying the spam folder, imports started in the
# admin) runs in the worker: `broadsheet worker`, which `broadsheet serve` starts beside the
# web server. Tasks wait in the site's own database (django-tasks-db), so no broker is needed
# and a task queued in a transaction that rolls back is never run.
TASKS = {
    "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]},
}

# Spam defence at the entry points (docs/architecture.md, "Spam defence").
# The client's address is the Nth from the right of X-Forwarded-For behind N proxies.
BROADSHEET_TRUSTED_PROXIES = configuration.trusted_proxies()
# Load tests only: every rate limit times this (0: none). A system check warns when it is not 1.
BROADSHEET_RATE_LIMIT_SCALE = configuration.rate_limit_scale()
# guard/ratelimits.py and guard/honeypot.py hold the numbers, each with its reason.
# These two exist only for tests to relax them through pytest-django's `settings`: no
# environment variable reaches them, so a site always runs with the real numbers.
BROADSHEET_RATE_LIMITS: dict[str, Any] = {}  # a limit's name -> a ratelimits.RateLimit instead
BROADSHEET_FORM_MIN_SECONDS: float | None = None  # None: honeypot.MIN_SECONDS

# Log-in lockout (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one username from
# one address, that pair is refused until AXES_COOLOFF_TIME has passed since its last failure.
# The pair, not the username alone, so that nobody can lock a person out by guessing from
# elsewhere; the "login" rate limit per address stops one address trying many usernames.
AXES_FAILURE_LIMIT = 5  # people mistype twice or thrice; five wrong in a row is guessing
AXES_COOLOFF_TIME = timedelta(minutes=15)  # a coffee for a person; under 500 guesses a day
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True  # the right password forgives the slips before it
AXES_LOCKOUT_CALLABLE = "broadsheet.accounts.views.locked_out"  # our page, 429, Retry-After
AXES_CLIENT_IP_CALLABLE = "broadsheet.guard.ratelimits.client_ip"  # as the rate limits
AXES_DISABLE_ACCESS_LOG = True  # keep failures only, not a record of every log-in

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
