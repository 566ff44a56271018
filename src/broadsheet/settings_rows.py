"""The base of each app's site-wide settings: one row per site, edited in the admin."""

from __future__ import annotations

from typing import Any, Self

from django.contrib import admin
from django.db import models
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

SITE_ROW = 1  # the one row's id; a site is one database


class OneRowPerSite(models.Model):
    """Settings an owner changes in the admin. Each app that has some keeps its own model,
    so that a new domain adds a table of its own instead of columns to publishing's."""

    class Meta:
        abstract = True

    @classmethod
    def current(cls) -> Self:
        row, _ = cls._default_manager.get_or_create(pk=SITE_ROW)
        return row


class OneRowPerSiteAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """The admin section of a settings row: the list page opens the one row directly."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        row = self.model.current()
        meta = self.model._meta
        return HttpResponseRedirect(
            reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[row.pk])
        )
