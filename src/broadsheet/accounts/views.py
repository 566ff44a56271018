"""Account pages: registration, email confirmation, log-in additions and profiles.

Django's own views handle log-in, log-out, password change and reset (see urls.py). Each
names its template under accounts/ explicitly: Jinja2 is searched first, so a template of
ours under Django's default names (registration/...) would replace the admin's own pages.

Each write counts against its rate limit (guard.ratelimits) just before its service;
registration also has the honeypot and minimum time (guard.honeypot); django-axes locks
a username out from an address after wrong passwords (settings.py, `locked_out` below).
"""

from __future__ import annotations

from typing import Any

import axes.utils
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_POST, require_safe

from broadsheet.accounts import selectors, services
from broadsheet.accounts.forms import ProfileForm, RegistrationForm
from broadsheet.accounts.models import User
from broadsheet.accounts.roles import role_of
from broadsheet.errors import BroadsheetError, RateLimited, with_error_headers
from broadsheet.guard.gate import guarded_write
from broadsheet.guard.honeypot import REGISTRATION_FORM, HoneypotForm
from broadsheet.guard.ratelimits import (
    LOGIN,
    PASSWORD_RESET,
    PASSWORD_SET,
    PROFILE_EDIT,
    REGISTER,
    RESEND_CONFIRMATION,
)
from broadsheet.publishing.selectors import site_settings_of, visible_posts

# Enough to show what someone writes; their author page lists everything.
PROFILE_POST_COUNT = 10
# The backend that checks passwords, for a log-in without one (django-axes' is only a gate).
SIGN_IN_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _site_address(request: HttpRequest) -> services.SiteAddress:
    return services.SiteAddress(
        name=site_settings_of(request).name,
        root_url=request.build_absolute_uri("/"),
    )


def _signed_in_user(request: HttpRequest) -> User:
    assert isinstance(request.user, User), "only for views behind login_required"
    return request.user


def _registration_refused(request: HttpRequest, error: BroadsheetError) -> HttpResponse:
    form = RegistrationForm(request.POST)
    form.is_valid()
    form.add_domain_error(error)
    honeypot = HoneypotForm(request.POST, guarding=REGISTRATION_FORM).again()
    response = render(request, "accounts/register.html", {"form": form, "honeypot": honeypot})
    return _slowed_down(response, error)


@guarded_write(REGISTER, form=REGISTRATION_FORM, refused=_registration_refused)
def register(request: HttpRequest) -> HttpResponse:
    """Open a reader's account and log them in at once; the mailed link confirms the address.

    Unconfirmed readers may log in and read; services that need a confirmed address (posting
    comments, in a later issue) refuse them, and each log-in and their profile remind them.
    """
    if request.user.is_authenticated:
        return redirect("accounts:own_profile")
    data = request.POST if request.method == "POST" else None
    form = RegistrationForm(data)
    honeypot = HoneypotForm(data, guarding=REGISTRATION_FORM)
    refusal: BroadsheetError | None = None
    if form.is_valid():
        try:
            user = services.register_reader(
                username=form.cleaned_data["username"],
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password1"],
                site=_site_address(request),
            )
        except BroadsheetError as error:
            form.add_domain_error(error)
            refusal = error
        else:
            login(request, user, backend=SIGN_IN_BACKEND)
            messages.success(
                request,
                f"Welcome, {user.username}. We have sent a link to {user.email}: "
                "open it to confirm your address.",
            )
            return redirect("accounts:own_profile")
    response = render(
        request, "accounts/register.html", {"form": form, "honeypot": honeypot.again()}
    )
    return _slowed_down(response, refusal)


def _slowed_down(response: HttpResponse, refusal: BroadsheetError | None) -> HttpResponse:
    """A form page refused by a rate limit says so with 429 and Retry-After.

    Other refusals keep the 200 of a form page that asks for a correction.
    """
    if isinstance(refusal, RateLimited):
        response.status_code = refusal.status
        with_error_headers(response, refusal)
    return response


@require_safe
def confirm_email(request: HttpRequest, token: str) -> HttpResponse:
    """Confirm on GET, straight from the mail.

    Confirming is idempotent and proves only that the mailbox received the link, so a mail
    scanner opening it first does no harm. It logs nobody in: a forwarded or leaked link
    opens no session.
    """
    try:
        user = services.confirm_email(token=token)
    except BroadsheetError as error:
        return render(
            request,
            "accounts/confirm_email_failed.html",
            {"message": error.message},
            status=error.status,
        )
    messages.success(request, f"Thank you: {user.email} is confirmed for {user.username}.")
    if request.user.is_authenticated:
        return redirect("accounts:own_profile")
    return redirect("accounts:login")


def _resend_refused(request: HttpRequest, error: BroadsheetError) -> HttpResponse:
    messages.error(request, error.message)
    return with_error_headers(redirect("accounts:own_profile"), error)


@login_required
@require_POST
@guarded_write(RESEND_CONFIRMATION, refused=_resend_refused)
def resend_confirmation(request: HttpRequest) -> HttpResponse:
    user = _signed_in_user(request)
    try:
        services.send_confirmation_again(user=user, site=_site_address(request))
    except BroadsheetError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"A new confirmation link is on its way to {user.email}.")
    return redirect("accounts:own_profile")


# Before the form checks the password: a refused attempt tries no password.
@method_decorator(guarded_write(LOGIN), name="dispatch")
class LoginView(auth_views.LoginView):
    """Django's log-in, which also reminds people whose address is still unconfirmed."""

    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_valid(form)
        user = form.get_user()
        if isinstance(user, User) and not user.email_confirmed:
            messages.warning(
                self.request,
                f"Your address {user.email} is not confirmed yet. Open the link we mailed "
                "you, or ask for a new one on your profile page.",
            )
        return response


@method_decorator(guarded_write(PASSWORD_RESET), name="dispatch")
class PasswordResetView(auth_views.PasswordResetView):
    """Django's password reset, with the site's own name in the mail."""

    template_name = "accounts/password_reset_form.html"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    email_template_name = "accounts/email/password_reset_body.txt"
    html_email_template_name = None  # plain text only, like the confirmation mail

    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        self.extra_email_context = {"site_title": site_settings_of(self.request).name}
        return super().form_valid(form)


@method_decorator(guarded_write(PASSWORD_SET), name="dispatch")
class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's new password from a mailed link, which also ends a log-in lockout.

    Whoever opened the link holds the account's mailbox: the wrong passwords before it were
    theirs or a guesser's, and the new password makes the guesses worthless either way.
    """

    template_name = "accounts/password_reset_confirm.html"

    def form_valid(self, form: SetPasswordForm[Any]) -> HttpResponse:
        response = super().form_valid(form)
        axes.utils.reset(username=form.user.get_username())
        return response


def locked_out(
    request: HttpRequest, original_response: HttpResponse | None, credentials: Any
) -> HttpResponse:
    """The page django-axes shows a locked-out log-in (AXES_LOCKOUT_CALLABLE), admin's too."""
    cool_off = settings.AXES_COOLOFF_TIME
    response = render(
        request,
        "accounts/locked_out.html",
        {"minutes": round(cool_off.total_seconds() / 60)},
        status=429,
    )
    # Each attempt while locked out starts the wait again, so the whole wait is still ahead.
    response["Retry-After"] = str(int(cool_off.total_seconds()))
    return response


@require_safe
@login_required
def own_profile(request: HttpRequest) -> HttpResponse:
    return redirect("accounts:profile", username=request.user.get_username())


@require_safe
def profile(request: HttpRequest, username: str) -> HttpResponse:
    person = selectors.person_named(username)
    form = None
    if request.user.is_authenticated and request.user.pk == person.pk:
        form = ProfileForm(
            initial={
                "display_name": person.display_name,
                "bio": person.bio,
                "email": person.email,
            }
        )
    return _render_profile(request, person, form)


def _profile_refused(request: HttpRequest, error: BroadsheetError) -> HttpResponse:
    form = ProfileForm(request.POST)
    form.is_valid()
    form.add_domain_error(error)
    return _slowed_down(_render_profile(request, _signed_in_user(request), form), error)


@login_required
@guarded_write(PROFILE_EDIT, refused=_profile_refused)
def edit_profile(request: HttpRequest) -> HttpResponse:
    user = _signed_in_user(request)
    if request.method != "POST":
        return redirect("accounts:own_profile")
    form = ProfileForm(request.POST)
    refusal: BroadsheetError | None = None
    if form.is_valid():
        try:
            update = services.update_profile(
                user=user,
                display_name=form.cleaned_data["display_name"],
                bio=form.cleaned_data["bio"],
                email=form.cleaned_data["email"],
                current_password=form.cleaned_data["current_password"],
                site=_site_address(request),
            )
        except BroadsheetError as error:
            form.add_domain_error(error)
            refusal = error
        else:
            messages.success(request, "Your profile is saved.")
            if update.email_changed:
                messages.info(
                    request,
                    f"We have sent a link to {update.user.email}: open it to confirm "
                    "your new address.",
                )
            return redirect("accounts:own_profile")
    return _slowed_down(_render_profile(request, user, form), refusal)


def _render_profile(request: HttpRequest, person: User, form: ProfileForm | None) -> HttpResponse:
    posts = (
        visible_posts()
        .filter(authors=person)
        .order_by("-publish_at", "-id")
        .only("title", "slug", "publish_at")[:PROFILE_POST_COUNT]
    )
    context: dict[str, Any] = {
        "person": person,
        "role": role_of(person),
        "joined": timezone.localdate(person.date_joined),
        "posts": list(posts),
        "is_owner": form is not None,
        "form": form,
    }
    return render(request, "accounts/profile.html", context)
