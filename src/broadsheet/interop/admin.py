"""Import and export's section of the admin: the old addresses that redirect, which an
editor may search, add and remove (imports add most of them); and the site imports, whose
"add" page uploads an export and whose own page follows the background task that runs it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.helpers import AdminForm
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone

from broadsheet.errors import NotAllowed
from broadsheet.interop.forms import ImportRunForm
from broadsheet.interop.import_runs import current_progress, start_import_run
from broadsheet.interop.models import ImportFormat, ImportRun, ImportState, Redirect
from broadsheet.interop.uploads import UploadRefused
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


RUN_PAGE_REFRESH_SECONDS = 2  # how often the page of an unfinished import reloads itself
# A running import counts every second; this long without a count, its worker has stopped.
STALLED_AFTER = timedelta(minutes=10)
SKIPS_LISTED = 500  # on the run's page; the full summary text below lists every one


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Past imports, an upload page ("add") that starts one, and each run's own page.

    Runs are records of what happened: nobody edits or deletes them here.
    """

    list_display = ["__str__", "state", "records_read", "dry_run", "started_by", "created"]
    list_filter = ["state", "format"]
    actions = None

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Whoever may start an import may follow it and see the others.
        return super().has_view_permission(request, obj) or self.has_add_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description="records read")
    def records_read(self, run: ImportRun) -> str:
        return f"{current_progress(run)[0]:,}"

    def add_view(
        self, request: HttpRequest, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        if not self.has_add_permission(request):
            raise PermissionDenied
        posted = request.method == "POST"
        form = ImportRunForm(request.POST, request.FILES) if posted else ImportRunForm()
        if posted and form.is_valid():
            data = form.cleaned_data
            try:
                with transaction.atomic():
                    run = start_import_run(
                        actor=request.user,
                        format=ImportFormat(data["format"]),
                        file=data["file"],
                        dry_run=data["dry_run"],
                        time_zone=data["time_zone"],
                        path_prefix=data["path_prefix"],
                        map_file=data["map_file"],
                    )
                    self.log_addition(request, run, [{"added": {}}])
            except UploadRefused as refused:
                form.add_error(refused.field, refused.message)
            except NotAllowed as error:
                raise PermissionDenied(error.message) from error
            else:
                return redirect(reverse("admin:interop_importrun_change", args=[run.pk]))
        fieldsets = [
            (None, {"fields": ["format", "file", "dry_run"]}),
            ("WordPress options", {"fields": ["time_zone", "path_prefix"]}),
            ("Disqus options", {"fields": ["map_file"]}),
        ]
        context = {
            **self.admin_site.each_context(request),
            "title": "Import a site",
            "opts": self.opts,
            # AdminForm lays out any form as the admin's own pages (typed for ModelForm only).
            "adminform": AdminForm(form, fieldsets, {}, model_admin=self),  # type: ignore[arg-type]
            "errors": form.errors,
            "has_view_permission": self.has_view_permission(request),
        }
        return TemplateResponse(request, "admin/interop/importrun/upload.html", context)

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        """The run's page: its state and progress while it runs, then its summary or error."""
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        if not self.has_view_permission(request):
            raise PermissionDenied
        run = get_object_or_404(ImportRun.objects.select_related("started_by"), pk=object_id)
        records, counted = current_progress(run)
        summary = run.summary or {}
        skipped = summary.get("skipped", [])
        context = {
            **self.admin_site.each_context(request),
            "title": str(run),
            "opts": self.opts,
            "run": run,
            "records": records,
            "counted": counted,
            "seconds_since_counted": (
                int((timezone.now() - counted).total_seconds()) if counted else None
            ),
            "stalled": run.state == ImportState.RUNNING
            and timezone.now() - (counted or run.started or run.created) > STALLED_AFTER,
            "counts": _counts_by_kind(summary),
            "skipped": skipped[:SKIPS_LISTED],
            "skipped_count": len(skipped),
            "skipped_unlisted": max(0, len(skipped) - SKIPS_LISTED),
            "notes": summary.get("notes", []),
            "refresh_seconds": RUN_PAGE_REFRESH_SECONDS,
            "has_view_permission": True,
        }
        return TemplateResponse(request, "admin/interop/importrun/run.html", context)


def _counts_by_kind(summary: dict[str, Any]) -> list[tuple[str, int | None, int | None]]:
    """(kind, created, updated) rows, in the order the writer counted them."""
    created, updated = dict(summary.get("created", [])), dict(summary.get("updated", []))
    kinds = list(created) + [kind for kind in updated if kind not in created]
    return [(kind, created.get(kind), updated.get(kind)) for kind in kinds]
