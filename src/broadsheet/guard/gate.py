"""The write guard: what every HTML view and API endpoint that writes passes first.

In this order, with the same messages the checks always had:

1. bans: a banned reader, or a reader at a banned address, is told why (for the writes a
   ban covers: `RateLimit.refuses_banned`);
2. the honeypot and minimum time, for forms people fill on the site's pages;
3. the write's named rate limit, per account and per address.

HTML views take it as a decorator, `@guarded_write(COMMENT, form=COMMENT_FORM)`, which runs it
on every request that may write (POST, PUT, PATCH, DELETE) before the view, and lets reads
through; a form page passes `refused=` to show its form again with the reason and what was
typed. API endpoints take it through their authentication (api.auth.guarded), so it runs
after the caller is known and before the body is read. A test walks every URL and every API
operation and proves each write is guarded (tests/test_write_guard.py).

Only requests carry the client's address, so the importers, the demo builder and the command
line, which call the services directly, are not limited; the services still refuse banned
readers themselves.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from django.http.response import HttpResponseBase

from broadsheet.errors import BroadsheetError, NotAllowed
from broadsheet.guard.bans import Visitor, active_ban_for, ban_message, network_ban_for
from broadsheet.guard.honeypot import GuardedForm, HoneypotForm
from broadsheet.guard.ratelimits import RateLimit, check_rate_limit, client_ip, limit_named

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
# The attribute a guarded view carries: the name of its rate limit.
GUARD_ATTRIBUTE = "write_guard"

View = Callable[..., HttpResponseBase]
Refused = Callable[..., HttpResponseBase]


def pass_write_guard(
    request: HttpRequest,
    *,
    limit: RateLimit,
    user: Visitor | None = None,
    form: GuardedForm | None = None,
) -> None:
    """Raise the first refusal of the ban, the form's honeypot and the rate limit, in order.

    `user` is who writes when the request's session does not say (an API token's user).
    """
    user = request.user if user is None else user
    ip = client_ip(request)
    limit = limit_named(limit.name)  # a test or a site may have changed its numbers
    if limit.refuses_banned:
        ban = active_ban_for(user) or network_ban_for(ip)
        if ban is not None:
            raise NotAllowed(ban_message(ban), code="banned")
    if form is not None:
        HoneypotForm(request.POST, guarding=form).check()
    check_rate_limit(action=limit.name, user=user, ip=ip)


def guarded_write(
    limit: RateLimit,
    *,
    form: GuardedForm | None = None,
    refused: Refused | None = None,
    unless: Callable[[HttpRequest], bool] | None = None,
) -> Callable[[View], View]:
    """Guard a view's writes: requests that may write pass `pass_write_guard` first.

    `refused(request, error, *args, **kwargs)` answers a refusal (a form page shows its form
    again); without it the error propagates to the site's error page. `unless(request)`
    names the requests of an unsafe method that write nothing (a comment's preview).
    """

    def decorate(view: View) -> View:
        @functools.wraps(view)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if request.method not in SAFE_METHODS and not (unless and unless(request)):
                try:
                    pass_write_guard(request, limit=limit, form=form)
                except BroadsheetError as error:
                    if refused is None:
                        raise
                    return refused(request, error, *args, **kwargs)
            return view(request, *args, **kwargs)

        setattr(guarded, GUARD_ATTRIBUTE, limit.name)
        return guarded

    return decorate
