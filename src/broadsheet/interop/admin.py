"""Import and export's section of the admin: the old addresses that redirect, which an
editor may search, add and remove (imports add most of them)."""

from __future__ import annotations

from django import forms
from django.contrib import admin

from broadsheet.interop.models import Redirect
from broadsheet.interop.writer import old_path_of
from broadsheet.publishing.models import validate_site_link


class RedirectForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Redirect
        fields = ["old_path", "new_path"]
        help_texts = {
            "old_path": "The old address: a path, with its query where it matters "
            "(/2010/05/hello-world/, /?p=12). A full address is cut to its path.",
            "new_path": "Where it leads now: a page of this site (/posts/hello-world/) or a "
            "full http(s) address.",
        }

    def clean_old_path(self) -> str:
        old_path = old_path_of(self.cleaned_data.get("old_path") or "")
        if old_path == "/":
            raise forms.ValidationError("The front page itself cannot redirect.")
        if Redirect.objects.filter(old_path=old_path).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(f"{old_path} redirects already.")
        return old_path

    def clean_new_path(self) -> str:
        new_path = (self.cleaned_data.get("new_path") or "").strip()
        validate_site_link(new_path)
        return new_path


@admin.register(Redirect)
class RedirectAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    form = RedirectForm
    list_display = ["old_path", "new_path", "source", "created"]
    list_filter = ["source"]
    search_fields = ["old_path", "new_path"]
    readonly_fields = ["source", "created"]
    ordering = ["old_path"]
