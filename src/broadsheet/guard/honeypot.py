"""A honeypot field and a minimum time to fill a form, against robots that post forms.

Forms people fill on the site's pages (the comment form, registration) carry two more fields:

- a text field that people never see (CSS-hidden, aria-hidden, out of the Tab order, labelled
  "Leave this empty" for anyone who sees it anyway), which robots that fill every field fill;
- the time the form was shown, signed (django.core.signing), so it cannot be forged: robots
  post the moment they have the page, people take some seconds to write.

A filled honeypot, or a form sent sooner than MIN_SECONDS after it was shown, is refused with
a message that asks the person to check and send again; the view keeps what they typed.
Preview shows the form again with the time it was first shown: previewing resets nothing.

The JSON API has neither: its callers are scripts with a token, or the site's own pages with
the reader's session, so there is no form to fill (docs/architecture.md, "Spam defence").
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django import forms
from django.conf import settings
from django.core import signing

from broadsheet.errors import InvalidInput

# A person reads the form, types and clicks in no less; a robot posts within a second.
MIN_SECONDS = 3
# A tab left open overnight still posts; a time taken from the page once stops working the
# next day (and a new secret key invalidates every shown form at once, as it should).
MAX_AGE = timedelta(days=1)
SALT = "broadsheet.guard.honeypot"
# A name robots expect to fill; people, who never see it, do not.
HONEYPOT_FIELD = "website"
SHOWN_AT_FIELD = "shown_at"


@dataclass(frozen=True)
class GuardedForm:
    name: str  # part of the signature: a time shown with one form does not pass another
    send_again: str  # ends the refusals: "please check your comment and post it again."


COMMENT_FORM = GuardedForm("comment", "check your comment and post it again")
REGISTRATION_FORM = GuardedForm("register", "check the form and send it again")


def min_seconds() -> float:
    """MIN_SECONDS, unless a test relaxes it (settings.BROADSHEET_FORM_MIN_SECONDS)."""
    configured = settings.BROADSHEET_FORM_MIN_SECONDS
    return MIN_SECONDS if configured is None else float(configured)


class HoneypotForm(forms.Form):
    """The two fields, rendered by guard/_honeypot.html inside the guarded form."""

    website = forms.CharField(
        label="Leave this empty",
        required=False,
        strip=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )
    shown_at = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, data: Any = None, *, guarding: GuardedForm) -> None:
        super().__init__(data)
        self.guarding = guarding
        if data is None:
            self.initial[SHOWN_AT_FIELD] = self._sign(time.time())

    def check(self) -> None:
        """Raise InvalidInput unless the form looks filled in by a person."""
        send_again = self.guarding.send_again
        if self.data.get(HONEYPOT_FIELD, ""):
            raise InvalidInput(
                "A field that people leave empty was filled in (browsers' autofill sometimes "
                f"does this): please {send_again}.",
                code="honeypot",
            )
        minimum = min_seconds()
        if minimum <= 0:
            return
        shown_at = self._shown_at()
        if shown_at is None:
            raise InvalidInput(f"This form has expired: please {send_again}.", code="form_expired")
        if time.time() - shown_at < minimum:
            raise InvalidInput(f"That was quick: please {send_again}.", code="too_quick")

    def again(self) -> HoneypotForm:
        """The fields to show with the form again: the time it was first shown, if still good."""
        shown = HoneypotForm(guarding=self.guarding)
        if self.is_bound and self._shown_at() is not None:
            shown.initial[SHOWN_AT_FIELD] = self.data[SHOWN_AT_FIELD]
        return shown

    def _sign(self, moment: float) -> str:
        return signing.dumps(round(moment, 3), salt=f"{SALT}.{self.guarding.name}")

    def _shown_at(self) -> float | None:
        """When the form was shown; None when the time is missing, forged or too old."""
        try:
            shown_at = signing.loads(
                str(self.data.get(SHOWN_AT_FIELD, "")),
                salt=f"{SALT}.{self.guarding.name}",
                max_age=MAX_AGE,
            )
        except signing.BadSignature:  # SignatureExpired is one too
            return None
        return float(shown_at) if isinstance(shown_at, int | float) else None
