"""The comment form: subject, body and language, and for anonymous commenters a name, an
e-mail and, if they like, their web site."""

from __future__ import annotations

import secrets
from typing import Any

from django import forms
from django.forms.renderers import Jinja2
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from broadsheet.discussion.languages import DETECT, canonical_tag, language_choices
from broadsheet.discussion.models import (
    MAX_ANONYMOUS_NAME_LENGTH,
    MAX_AUTHOR_URL_LENGTH,
    MAX_COMMENT_LENGTH,
    MAX_SUBJECT_LENGTH,
    validate_author_url,
)
from broadsheet.input_text import one_line


def new_submission_key() -> str:
    return secrets.token_urlsafe(24)


class LanguageSelect(forms.Select):
    """The language menu, written out here rather than through Django's widget templates.

    The menu lists about a hundred languages; through the template engine (one include per
    option) it cost a signed-in reader's post page about 15 ms of its 20 (profiled on a
    1,000-comment thread whose thread HTML came from the cache)."""

    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: Any = None,
    ) -> SafeString:
        chosen = {str(item) for item in self.format_value(value)}
        final_attrs = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (option, " selected" if str(option) in chosen else "", label)
                for option, label in self.choices
            ),
        )
        return format_html("<select{}>{}</select>", flatatt(final_attrs), options)


class LanguageField(forms.ChoiceField):
    """The comment's language: "detect" (the default) or a language the author names.

    A language outside the list (one the detector found, shown again when editing) is kept
    when it is a well-formed tag."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            label="Language",
            choices=language_choices(),
            widget=LanguageSelect,
            initial=DETECT,
            required=False,
            help_text="Lets screen readers and browsers read your comment in its language.",
            **kwargs,
        )

    def add_choice(self, tag: str) -> None:
        known = language_choices()
        if tag and tag not in {value for value, _ in known}:
            self.choices = [*known, (tag, tag)]

    def valid_value(self, value: Any) -> bool:
        return super().valid_value(value) or bool(canonical_tag(str(value)))

    def clean(self, value: Any) -> str:
        chosen = super().clean(value) or DETECT
        return DETECT if chosen == DETECT else canonical_tag(chosen)


class WebsiteField(forms.URLField):
    """A commenter's web site: http or https only (Django's own URL field also takes ftp),
    without the bidirectional controls that could make it read as another address."""

    default_validators = [validate_author_url]
    default_error_messages = {"invalid": validate_author_url.message}

    def to_python(self, value: Any) -> str:
        return str(super().to_python(one_line(str(value or ""))))


# The comment form is on every signed-in reader's post page: its widgets go through Jinja2,
# about a fifth of the Django template language's cost (the admin's own widgets have only
# Django templates, so the site-wide FORM_RENDERER stays as it is).
JINJA2_WIDGETS = Jinja2()


class CommentForm(forms.Form):
    default_renderer = JINJA2_WIDGETS

    subject = forms.CharField(
        max_length=MAX_SUBJECT_LENGTH,
        required=False,
        help_text="Optional: the first words of your comment are used when empty.",
    )
    body = forms.CharField(
        label="Comment",
        max_length=MAX_COMMENT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8, "dir": "auto"}),
        help_text="Markdown: *emphasis*, **strong**, [links](https://…), > quotes, lists, `code`.",
        error_messages={"required": "The comment is empty: write something in the body."},
    )
    language = LanguageField()
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)
    submission_key = forms.CharField(required=False, widget=forms.HiddenInput, max_length=64)
    name = forms.CharField(max_length=MAX_ANONYMOUS_NAME_LENGTH, required=False)
    email = forms.EmailField(label="E-mail", required=False, help_text="Never shown.")
    # As WordPress's "Website", and named `url` as there: only anonymous commenters are asked;
    # a reader with an account has their profile. "example.org" is taken as
    # https://example.org. (`website` is the honeypot's name, guard/honeypot.py.)
    url = WebsiteField(
        label="Website",
        max_length=MAX_AUTHOR_URL_LENGTH,
        required=False,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"autocomplete": "url"}),
        help_text="Optional: your name links to it.",
    )

    def __init__(
        self, *args: Any, anonymous: bool = False, subject: bool = True, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["subject"].widget.attrs["dir"] = "auto"
        # A pasted comment over the limit would be cut short without a word; the server
        # says how long it is instead.
        self.fields["body"].widget.attrs.pop("maxlength", None)
        if not subject:  # the Blog style has no subjects: the first words stand in
            del self.fields["subject"]
        if not anonymous:
            del self.fields["name"]
            del self.fields["email"]
            del self.fields["url"]
        else:
            self.fields["name"].required = True
            self.fields["email"].required = True
        if not self.is_bound:
            self.initial.setdefault("submission_key", new_submission_key())


class EditCommentForm(forms.Form):
    default_renderer = JINJA2_WIDGETS

    subject = forms.CharField(max_length=MAX_SUBJECT_LENGTH, required=False)
    body = forms.CharField(
        label="Comment",
        max_length=MAX_COMMENT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 10, "dir": "auto"}),
        error_messages={"required": "The comment is empty: write something in the body."},
    )
    language = LanguageField()

    def __init__(self, *args: Any, language: str = "", subject: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["body"].widget.attrs.pop("maxlength", None)
        if not subject:  # the Blog style has no subjects
            del self.fields["subject"]
        language_field = self.fields["language"]
        assert isinstance(language_field, LanguageField)
        language_field.add_choice(language)
        if not self.is_bound and language:
            self.initial.setdefault("language", language)
