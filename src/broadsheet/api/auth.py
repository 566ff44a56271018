"""Who is calling the API: a script with a token, the site's own pages, or anyone.

Scripts send `Authorization: Token <key>` (accounts.ApiToken). The site's own pages use the
session cookie, which makes them open to cross-site request forgery, so a signed-in session
must also pass Django's CSRF check. Reads are open to anonymous callers; the domain layer
decides what each caller may see and do.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from ninja.errors import AuthenticationError
from ninja.security import APIKeyCookie, APIKeyHeader
from ninja.utils import check_csrf

from broadsheet.accounts.models import ApiToken, User
from broadsheet.accounts.permissions import Actor
from broadsheet.errors import NotAllowed
from broadsheet.guard.gate import pass_write_guard
from broadsheet.guard.ratelimits import (
    API_TOKEN,
    RateLimit,
    check_not_over_limit,
    check_rate_limit,
    client_ip,
)

# last_used answers "is this token still in use?"; it is not an audit log, and a write on
# every request would make each read a write.
TOKEN_USE_RECORDING_INTERVAL = timedelta(minutes=1)


def record_token_use(token: ApiToken) -> None:
    """Set last_used to now, at most once per interval, with one conditional UPDATE."""
    now = timezone.now()
    if token.last_used is not None and now - token.last_used < TOKEN_USE_RECORDING_INTERVAL:
        return
    stale = Q(last_used__isnull=True) | Q(last_used__lt=now - TOKEN_USE_RECORDING_INTERVAL)
    ApiToken.objects.filter(stale, pk=token.pk).update(last_used=now)
    token.last_used = now


class GuardsWrites:
    """An authentication that, on a write endpoint, also passes the caller through the write
    guard (guard/gate.py): after the caller is known, before the request's body is read."""

    write_limit: RateLimit | None = None

    def admit[Caller: User | AnonymousUser](self, request: HttpRequest, user: Caller) -> Caller:
        if self.write_limit is not None:
            pass_write_guard(request, limit=self.write_limit, user=user)
        return user


class ApiTokenAuth(GuardsWrites, APIKeyHeader):
    """`Authorization: Token <key>`; a key that matches no active account is refused (401)."""

    param_name = "Authorization"
    openapi_description = (
        "`Token <key>`. An admin creates a key with `broadsheet token <username>`; "
        "the key acts with that user's role."
    )

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        scheme, _, value = (key or "").strip().partition(" ")
        if scheme.lower() != "token":
            return None  # no token sent (or another scheme): let the session decide
        value = value.strip()
        # Wrong keys are counted per address (guard.ratelimits.API_TOKEN); over the limit,
        # every key from that address waits, right or wrong: 429 with Retry-After.
        ip, nobody = client_ip(request), AnonymousUser()
        check_not_over_limit(action=API_TOKEN.name, user=nobody, ip=ip)
        token = ApiToken.objects.select_related("user").filter(key=value).first() if value else None
        if token is None or not token.user.is_active:
            check_rate_limit(action=API_TOKEN.name, user=nobody, ip=ip)
            raise AuthenticationError(
                message="This API token is not valid. Ask an admin for a new one."
            )
        record_token_use(token)
        return self.admit(request, token.user)


class SessionAuth(GuardsWrites, APIKeyCookie):
    """The signed-in user of the site's own pages, on requests that pass the CSRF check.

    ninja's SessionAuth checks CSRF before it knows whether anyone is signed in, which turns
    an anonymous write into 403 "CSRF check Failed"; here an anonymous caller gets 401 and a
    signed-in one without a valid CSRF token gets 403.
    """

    param_name = settings.SESSION_COOKIE_NAME
    openapi_description = "The site's session cookie, with the CSRF token in X-CSRFToken."

    def _get_key(self, request: HttpRequest) -> str | None:
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = request.user
        if not user.is_authenticated:
            return None
        if self.csrf and check_csrf(request) is not None:
            raise NotAllowed(
                "CSRF check failed: send the csrftoken cookie's value in the X-CSRFToken header.",
                code="csrf_failed",
            )
        return self.admit(request, user)


api_token_auth = ApiTokenAuth()
session_auth = SessionAuth()
SIGNED_IN = [api_token_auth, session_auth]


def guarded(limit: RateLimit, *, also: Callable[[HttpRequest], Any] | None = None) -> list[Any]:
    """The authentication of a write endpoint: a token or the session (then `also`, such as
    a visitor without an account where the site allows it), each passing the write guard."""
    token, session = ApiTokenAuth(), SessionAuth()
    token.write_limit = session.write_limit = limit
    callbacks: list[Any] = [token, session]
    if also is not None:
        authenticate = also

        @functools.wraps(authenticate)
        def admit_also(request: HttpRequest) -> Any:
            user = authenticate(request)
            if user is not None:
                pass_write_guard(request, limit=limit, user=user)
            return user

        callbacks.append(admit_also)
    return callbacks


def caller(request: HttpRequest) -> Any:
    """Who is asking, on endpoints anyone may use: the token's user, the session's, or anonymous.

    An invalid token is refused rather than treated as anonymous, so a script with a revoked key
    finds out at once. Reads change nothing, so the session needs no CSRF check here.
    """
    user = api_token_auth(request)
    return user if user is not None else request.user


def writer(request: HttpRequest) -> Actor:
    """Who the endpoint's authentication let write: an account, or a visitor without one on
    endpoints that allow it (discussion.api.anonymous_commenter)."""
    actor = getattr(request, "auth", None)
    if not isinstance(actor, User | AnonymousUser):
        raise AuthenticationError()
    return actor


def signed_in_user(request: HttpRequest) -> User:
    """The user that the endpoint's authentication (SIGNED_IN) let through."""
    user = getattr(request, "auth", None)
    if not isinstance(user, User):
        raise AuthenticationError()
    return user
