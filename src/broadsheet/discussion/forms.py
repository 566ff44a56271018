"""The comment form: subject, body, and for anonymous commenters a name and an e-mail."""

from __future__ import annotations

import secrets
from typing import Any

from django import forms

from broadsheet.discussion.models import (
    MAX_ANONYMOUS_NAME_LENGTH,
    MAX_COMMENT_LENGTH,
    MAX_SUBJECT_LENGTH,
)


def new_submission_key() -> str:
    return secrets.token_urlsafe(24)


class CommentForm(forms.Form):
    subject = forms.CharField(
        max_length=MAX_SUBJECT_LENGTH,
        required=False,
        help_text="Optional: the first words of your comment are used when empty.",
    )
    body = forms.CharField(
        max_length=MAX_COMMENT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8, "dir": "auto"}),
        help_text="Markdown: *emphasis*, **strong**, [links](https://…), > quotes, lists, `code`.",
        error_messages={"required": "The comment is empty: write something in the body."},
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)
    submission_key = forms.CharField(required=False, widget=forms.HiddenInput, max_length=64)
    name = forms.CharField(max_length=MAX_ANONYMOUS_NAME_LENGTH, required=False)
    email = forms.EmailField(required=False, help_text="Never shown.")

    def __init__(self, *args: Any, anonymous: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["subject"].widget.attrs["dir"] = "auto"
        if not anonymous:
            del self.fields["name"]
            del self.fields["email"]
        else:
            self.fields["name"].required = True
            self.fields["email"].required = True
        if not self.is_bound:
            self.initial.setdefault("submission_key", new_submission_key())


class EditCommentForm(forms.Form):
    subject = forms.CharField(max_length=MAX_SUBJECT_LENGTH, required=False)
    body = forms.CharField(
        max_length=MAX_COMMENT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 10, "dir": "auto"}),
        error_messages={"required": "The comment is empty: write something in the body."},
    )
