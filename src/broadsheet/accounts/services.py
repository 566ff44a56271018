"""Writes on accounts: one function per use case."""

from __future__ import annotations

import logging
import unicodedata
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse

from broadsheet.accounts.models import ApiToken, User
from broadsheet.accounts.roles import ROLE_ORDER, STAFF_ROLES, Role, forget_role
from broadsheet.changes import DisplayNameChanged, announce
from broadsheet.errors import BroadsheetError, Conflict, InvalidInput, NotFound

logger = logging.getLogger(__name__)

# Long enough to cover a weekend away from the inbox, short enough that an old mail lying
# in a shared or leaked mailbox stops being a key to the account.
CONFIRMATION_LINK_MAX_AGE = timedelta(days=3)
# One fresh link a minute is plenty for a person and useless for flooding a mailbox.
CONFIRMATION_RESEND_INTERVAL = timedelta(minutes=1)
CONFIRMATION_SALT = "broadsheet.accounts.confirm_email"
BIO_MAX_LENGTH = 2000  # as User.bio: a few paragraphs about oneself, not an essay
DISPLAY_NAME_MAX_LENGTH = 80  # as User.display_name: a full name, not a sentence
# Characters that reorder the text around them ("user" + U+202E + "gnp.exe" shows as
# "userexe.png"): a name on one line has no use for them, and they let it pass for another.
DIRECTION_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)


@dataclass(frozen=True)
class SiteAddress:
    """Where the site is, for links in mail: services know no request, views build this."""

    name: str
    root_url: str  # e.g. "https://example.org/"

    def absolute(self, path: str) -> str:
        return self.root_url.rstrip("/") + path


@dataclass(frozen=True)
class ProfileUpdate:
    user: User
    email_changed: bool  # True when a confirmation link is on its way to the new address


def clean_display_name(name: str) -> str:
    """The name as it will show (spaces collapsed), or InvalidInput saying what is wrong."""
    name = " ".join(name.split())
    if len(name) > DISPLAY_NAME_MAX_LENGTH:
        raise InvalidInput(
            f"Display name: at most {DISPLAY_NAME_MAX_LENGTH} characters, please "
            f"(this has {len(name)}).",
            code="display_name_invalid",
        )
    if any(character in DIRECTION_CONTROLS for character in name):
        raise InvalidInput(
            "Display name: remove the invisible direction marks; they can make a name show "
            "as another.",
            code="display_name_invalid",
        )
    if any(unicodedata.category(character) == "Cc" for character in name):
        raise InvalidInput(
            "Display name: remove the control characters.", code="display_name_invalid"
        )
    return name


def _validation_message(error: ValidationError) -> str:
    return " ".join(str(message) for message in error.messages)


@transaction.atomic
def create_user(
    *,
    username: str,
    email: str,
    password: str,
    role: Role = Role.READER,
    email_confirmed: bool = False,
    check_password_strength: bool = True,
) -> User:
    """Create an account with the given role. Raises InvalidInput or Conflict.

    Each error carries a code naming the input at fault (username_*, email_*, password_*),
    so a form can show it next to the right field.
    """
    username = username.strip()
    email = email.strip()
    if not username:
        raise InvalidInput("Username: a name is required.", code="username_invalid")
    try:
        User._meta.get_field("username").run_validators(username)
    except ValidationError as error:
        raise InvalidInput(
            f"Username: {_validation_message(error)}", code="username_invalid"
        ) from error
    _validate_email(email)
    _check_username_is_free(username)
    _check_email_is_free(email)
    user = User(username=username, email=email, email_confirmed=email_confirmed)
    if check_password_strength:
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise InvalidInput(
                f"Password: {_validation_message(error)}", code="password_weak"
            ) from error
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        _explain_refused_save(username=username, email=email)
        raise
    set_role(user=user, role=role)
    return user


def _validate_email(email: str) -> None:
    try:
        # The model field's validators: a well-formed address that fits the column.
        User._meta.get_field("email").run_validators(email)
    except ValidationError as error:
        raise InvalidInput(f"Email: {_validation_message(error)}", code="email_invalid") from error


def _check_username_is_free(username: str) -> None:
    if User.objects.filter(username__iexact=username).exists():
        raise Conflict(f"The username {username!r} is taken.", code="username_taken")


def _check_email_is_free(email: str, *, other_than: User | None = None) -> None:
    holders = User.objects.filter(email__iexact=email)
    if other_than is not None:
        holders = holders.exclude(pk=other_than.pk)
    if holders.exists():
        raise Conflict(f"An account with the email {email} exists already.", code="email_taken")


def _explain_refused_save(
    *, username: str | None = None, email: str, other_than: User | None = None
) -> None:
    """Raise the Conflict behind an IntegrityError, if a taken name or address is the cause.

    A concurrent request can take the name or address between the checks and the save; the
    database's constraints then refuse the save, and the same checks, run again, now see the
    winner and say which. Any other cause is left to the caller to re-raise.
    """
    if username is not None:
        _check_username_is_free(username)
    _check_email_is_free(email, other_than=other_than)


@transaction.atomic
def set_role(*, user: User, role: Role) -> None:
    """Give the user exactly one role; staff roles may open the admin."""
    role_groups = Group.objects.filter(name__in=[r.value for r in ROLE_ORDER])
    user.groups.remove(*role_groups)
    user.groups.add(Group.objects.get_or_create(name=role.value)[0])
    user.is_staff = role in STAFF_ROLES
    user.is_superuser = role is Role.ADMIN
    user.save(update_fields=["is_staff", "is_superuser"])
    forget_role(user)
    for cached_permissions in ("_perm_cache", "_user_perm_cache", "_group_perm_cache"):
        user.__dict__.pop(cached_permissions, None)


def get_or_create_api_token(*, user: User) -> ApiToken:
    token, _ = ApiToken.objects.get_or_create(user=user)
    return token


# Registration and email confirmation


@transaction.atomic
def register_reader(*, username: str, email: str, password: str, site: SiteAddress) -> User:
    """Open a reader's account and mail a link that confirms the address.

    Unconfirmed readers may log in; what they may not do yet (comment) is decided by the
    services that need a confirmed address, so the account is usable at once.
    """
    user = create_user(username=username, email=email, password=password, role=Role.READER)
    _queue_confirmation_mail(user=user, site=site)
    return user


def confirmation_token(user: User) -> str:
    """A signed, timestamped token naming the user and the address it confirms."""
    signer = signing.TimestampSigner(salt=CONFIRMATION_SALT)
    return signer.sign_object({"user": user.pk, "email": user.email.lower()})


@transaction.atomic
def confirm_email(*, token: str) -> User:
    """Mark the address in the token as confirmed. Safe to repeat.

    Raises InvalidInput when the link was altered, has expired, or names an address the
    account no longer uses; NotFound when the account is gone. Nothing changes then.
    """
    signer = signing.TimestampSigner(salt=CONFIRMATION_SALT)
    try:
        payload = signer.unsign_object(token, max_age=CONFIRMATION_LINK_MAX_AGE)
    except signing.SignatureExpired:
        raise InvalidInput(
            f"This confirmation link has expired: links work for "
            f"{CONFIRMATION_LINK_MAX_AGE.days} days. Log in and ask for a new one.",
            code="confirmation_expired",
        ) from None
    except signing.BadSignature:
        raise InvalidInput(
            "This confirmation link is not valid; it may have been cut short when it was "
            "copied. Open it straight from the mail, or log in and ask for a new one.",
            code="confirmation_invalid",
        ) from None
    user = User.objects.select_for_update().filter(pk=payload["user"], is_active=True).first()
    if user is None:
        raise NotFound("The account this link was made for no longer exists.")
    if user.email.lower() != payload["email"]:
        raise InvalidInput(
            "This link was sent to an address the account no longer uses. "
            "Use the link in the newest mail, or log in and ask for a new one.",
            code="confirmation_outdated",
        )
    if not user.email_confirmed:
        user.email_confirmed = True
        user.save(update_fields=["email_confirmed"])
    return user


def send_confirmation_again(*, user: User, site: SiteAddress) -> None:
    """Mail a fresh confirmation link, at most once per CONFIRMATION_RESEND_INTERVAL."""
    if user.email_confirmed:
        raise Conflict(f"{user.email} is confirmed already.", code="confirmation_unneeded")
    if not _claim_resend_slot(user):
        raise BroadsheetError(
            "A link was sent less than a minute ago; please wait for it, or try again in a minute.",
            code="too_soon",
            status=429,
        )
    _queue_confirmation_mail(user=user, site=site)


def _resend_key(user: User) -> str:
    return f"accounts:confirmation-sent:{user.pk}"


def _claim_resend_slot(user: User) -> bool:
    """False when a link went out within the interval; cache.add lets one request win."""
    timeout = CONFIRMATION_RESEND_INTERVAL.total_seconds()
    return bool(cache.add(_resend_key(user), True, timeout=timeout))


def _queue_confirmation_mail(*, user: User, site: SiteAddress) -> None:
    cache.set(_resend_key(user), True, timeout=CONFIRMATION_RESEND_INTERVAL.total_seconds())
    context = {
        "username": user.username,
        "email": user.email,
        "site_name": site.name,
        "link": site.absolute(
            reverse("accounts:confirm_email", kwargs={"token": confirmation_token(user)})
        ),
        "days": CONFIRMATION_LINK_MAX_AGE.days,
    }
    # After commit, so a rolled-back registration never mails a link to nothing; robust,
    # so a mail server outage leaves the account usable (the reader can ask again).
    transaction.on_commit(lambda: _send_confirmation_mail(context), robust=True)


def _send_confirmation_mail(context: dict[str, object]) -> None:
    subject = render_to_string("accounts/email/confirm_email_subject.txt", context)
    body = render_to_string("accounts/email/confirm_email_body.txt", context)
    send_mail(
        " ".join(subject.split()),
        body,
        settings.DEFAULT_FROM_EMAIL,
        [str(context["email"])],
    )


# Profiles


@transaction.atomic
def update_profile(
    *,
    user: User,
    bio: str,
    email: str,
    current_password: str,
    site: SiteAddress,
    display_name: str | None = None,
) -> ProfileUpdate:
    """Save a person's display name (None: leave it), bio and email address.

    A new address needs the current password (whoever holds the address can reset the
    password, so changing it is as sensitive as changing the password), starts unconfirmed
    and gets a confirmation link. A new display name shows in every byline and comment head.
    """
    user = User.objects.select_for_update().get(pk=user.pk)
    bio = bio.strip()
    email = email.strip()
    name_changed = False
    if display_name is not None:
        display_name = clean_display_name(display_name)
        name_changed = display_name != user.display_name
        user.display_name = display_name
    if len(bio) > BIO_MAX_LENGTH:
        raise InvalidInput(
            f"Bio: at most {BIO_MAX_LENGTH} characters, please (this has {len(bio)}).",
            code="bio_too_long",
        )
    email_changed = email.lower() != user.email.lower()
    if email_changed:
        if not user.check_password(current_password):
            raise InvalidInput(
                "Current password: that is not your password; it is needed to change "
                "your email address.",
                code="password_wrong",
            )
        _validate_email(email)
        _check_email_is_free(email, other_than=user)
    user.bio = bio
    user.email = email
    fields = ["bio", "email", *(["display_name"] if name_changed else [])]
    if email_changed:
        user.email_confirmed = False
        fields.append("email_confirmed")
    try:
        with transaction.atomic():
            user.save(update_fields=fields)
    except IntegrityError:
        _explain_refused_save(email=email, other_than=user)
        raise
    if email_changed:
        _queue_confirmation_mail(user=user, site=site)
    if name_changed:
        announce(DisplayNameChanged(user_id=user.pk))
    return ProfileUpdate(user=user, email_changed=email_changed)
