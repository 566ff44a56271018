"""Parse what people type on account pages; the rules themselves live in services.py."""

from __future__ import annotations

from typing import Any

from django import forms

from broadsheet.accounts.services import BIO_MAX_LENGTH, DISPLAY_NAME_MAX_LENGTH
from broadsheet.errors import BroadsheetError

USERNAME_MAX_LENGTH = 150  # as User.username
EMAIL_MAX_LENGTH = 254  # as User.email, the longest address mail servers must accept


class DomainErrorForm(forms.Form):
    """A form that can show a service's error next to the field it is about."""

    # The error codes of accounts.services, and the field each one is about.
    field_for_code: dict[str, str] = {}

    def add_domain_error(self, error: BroadsheetError) -> None:
        field = self.field_for_code.get(error.code)
        if field not in self.fields:
            self.add_error(None, error.message)
            return
        # Services name the input ("Username: ..."), which the label already does here.
        message = error.message.removeprefix(f"{self[field].label}: ")
        self.add_error(field, message[:1].upper() + message[1:])


class RegistrationForm(DomainErrorForm):
    field_for_code = {
        "username_invalid": "username",
        "username_taken": "username",
        "email_invalid": "email",
        "email_taken": "email",
        "password_weak": "password1",
    }

    username = forms.CharField(
        max_length=USERNAME_MAX_LENGTH,
        help_text="Shown beside everything you write. Letters, digits and @ . + - _ only.",
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
    )
    email = forms.EmailField(
        max_length=EMAIL_MAX_LENGTH,
        help_text="We send a link to confirm it, and nothing else unless you ask.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password1 = forms.CharField(
        label="Password",
        strip=False,
        help_text="At least 8 characters; not a common password and not only digits.",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label="Password again",
        strip=False,
        help_text="The same password, to catch a typing slip.",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", "The two passwords differ; please type them again.")
        return cleaned


class ProfileForm(DomainErrorForm):
    field_for_code = {
        "display_name_invalid": "display_name",
        "bio_too_long": "bio",
        "email_invalid": "email",
        "email_taken": "email",
        "password_wrong": "current_password",
    }

    display_name = forms.CharField(
        required=False,
        max_length=DISPLAY_NAME_MAX_LENGTH,
        help_text="Your name as bylines and your comments show it, in any script. "
        "Empty: your username.",
        widget=forms.TextInput(attrs={"autocomplete": "name", "dir": "auto"}),
    )
    bio = forms.CharField(
        required=False,
        max_length=BIO_MAX_LENGTH,
        help_text=f"A few words about yourself, shown on this page. Up to {BIO_MAX_LENGTH} "
        "characters of plain text.",
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    email = forms.EmailField(
        max_length=EMAIL_MAX_LENGTH,
        help_text="Changing it sends a confirmation link to the new address.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    current_password = forms.CharField(
        required=False,
        strip=False,
        help_text="Needed only when you change your email address.",
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
