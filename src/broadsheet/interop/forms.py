"""The admin's upload form for an import (the file's kind and size are checked by
interop.uploads, in the service the form's view calls)."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django import forms

from broadsheet.interop.models import ImportFormat, ImportRun

WXR_OPTIONS = ("time_zone", "path_prefix")
DISQUS_OPTIONS = ("map_file",)


class ImportRunForm(forms.Form):
    format = forms.ChoiceField(
        choices=ImportFormat.choices,
        initial=ImportFormat.WXR,
        widget=forms.RadioSelect,
        label="Format",
        # Scoop is a database, not a file; Broadsheet's own JSON goes only into an empty
        # site, which a site with an admin signed in is not.
        help_text="On the server instead: a Scoop site, read from its database (broadsheet "
        "import scoop mysql://user:password@host/database), and a Broadsheet export, restored "
        "into a new, empty site (broadsheet import json FILE).",
    )
    file = forms.FileField(
        label="Export file",
        help_text="WordPress: Tools > Export > All content (.xml), or the .zip WordPress.com "
        "sends. Disqus: the XML export it mails a link to (unpacked from its .gz).",
    )
    dry_run = forms.BooleanField(
        required=False,
        label="Dry run",
        help_text="Read everything and show what would be created, then write nothing.",
    )
    time_zone = forms.CharField(
        required=False,
        max_length=ImportRun._meta.get_field("time_zone").max_length,
        label="Old site's time zone",
        help_text="WordPress only, for dates written without GMT, such as Europe/Paris "
        "(empty: this site's).",
    )
    path_prefix = forms.CharField(
        required=False,
        max_length=ImportRun._meta.get_field("path_prefix").max_length,
        label="Old site's path",
        help_text="WordPress only: the path the old site lived under, taken off old addresses "
        "before they redirect (empty: read from the export; / keeps old paths whole).",
    )
    map_file = forms.FileField(
        required=False,
        label="Thread map (CSV)",
        help_text="Disqus only: attach threads that match no post, rows of (Disqus link or "
        "thread id, post slug or address).",
    )

    def clean_time_zone(self) -> str:
        name: str = self.cleaned_data["time_zone"].strip()
        if name:
            try:
                ZoneInfo(name)
            except (ZoneInfoNotFoundError, ValueError):
                raise forms.ValidationError(
                    f"{name!r} is not a time zone: write one such as Europe/Paris or UTC."
                ) from None
        return name

    def clean_path_prefix(self) -> str:
        prefix: str = self.cleaned_data["path_prefix"].strip()
        if prefix and not prefix.startswith("/"):
            raise forms.ValidationError("A path begins with /, such as /blog.")
        return prefix

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not cleaned.get("format"):
            return cleaned
        format = ImportFormat(cleaned["format"])
        # Options of the other format are refused rather than ignored, so that nobody
        # believes a thread map or a time zone was used when it was not.
        others = DISQUS_OPTIONS if format == ImportFormat.WXR else WXR_OPTIONS
        for name in others:
            if cleaned.get(name):
                self.add_error(name, f"This option is not for {format.label} exports.")
        return cleaned
