"""The editors' desk: write, preview (View on site), schedule and publish posts."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from broadsheet.errors import InvalidInput
from broadsheet.publishing import services
from broadsheet.publishing.models import Post, Section, SiteSettings, Tag
from broadsheet.settings_rows import OneRowPerSiteAdmin


class PostAdminForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Post
        fields = [
            "title", "slug", "authors", "byline", "section", "tags", "markup", "intro", "body",
            "excerpt", "status",
            "publish_at", "sticky", "open_thread", "comments_open", "comment_style", "video_url",
            "video_title",
        ]  # fmt: skip
        widgets = {
            "intro": forms.Textarea(attrs={"rows": 12, "cols": 90}),
            "body": forms.Textarea(attrs={"rows": 24, "cols": 90}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False
        self.fields["slug"].help_text = "Empty: made from the title. A taken slug gets -2, -3, …"

    def clean_slug(self) -> str:
        wanted = self.cleaned_data.get("slug") or ""
        title = self.cleaned_data.get("title") or ""
        try:
            return services.unique_slug(
                wanted=wanted, title=title, exclude_post_id=self.instance.pk
            )
        except InvalidInput as error:
            raise forms.ValidationError(error.message) from error

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        try:
            services.check_post_content(
                title=cleaned.get("title") or "",
                intro=cleaned.get("intro") or "",
                body=cleaned.get("body") or "",
                video_url=cleaned.get("video_url") or "",
            )
        except InvalidInput as error:
            raise forms.ValidationError(error.message) from error
        return cleaned


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    form = PostAdminForm
    list_display = (
        "title",
        "status",
        "publish_at",
        "section",
        "open_thread",
        "sticky",
        "comment_count",
    )
    list_filter = ("status", "section", "open_thread", "sticky", "comments_open", "tags")
    search_fields = ("title", "intro", "body", "byline")
    prepopulated_fields = {"slug": ("title",)}
    filter_horizontal = ("authors", "tags")
    date_hierarchy = "publish_at"
    list_select_related = ("section",)
    fieldsets = (
        (None, {"fields": ("title", "slug", "authors", "byline", "section", "tags")}),
        ("Text (Markdown)", {"fields": ("intro", "body")}),
        (
            "Publishing",
            {"fields": ("status", "publish_at", "sticky", "open_thread", "comments_open")},
        ),
        ("Discussion", {"fields": ("comment_style",)}),
        ("Related video", {"fields": ("video_url", "video_title")}),
    )

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        initial = super().get_changeform_initial_data(request)
        initial.setdefault("authors", [str(request.user.pk)])
        return initial

    def save_model(self, request: HttpRequest, obj: Post, form: Any, change: bool) -> None:
        saved = services.save_post(editor=request.user, post=obj)
        for warning in saved.warnings:
            self.message_user(request, warning, level=messages.WARNING)
        if form.cleaned_data.get("slug") != form.data.get("slug", "").strip() and form.data.get(
            "slug"
        ):
            self.message_user(
                request,
                f"That slug was taken; the post's address uses “{obj.slug}”.",
                messages.INFO,
            )

    def delete_model(self, request: HttpRequest, obj: Post) -> None:
        services.delete_posts(editor=request.user, posts=[obj])

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Post]) -> None:
        services.delete_posts(editor=request.user, posts=list(queryset))


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "slug", "position")
    prepopulated_fields = {"slug": ("name",)}
    search_fields = ("name",)


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    search_fields = ("name",)


@admin.register(SiteSettings)
class SiteSettingsAdmin(OneRowPerSiteAdmin):
    """The site's name, look and formats."""
