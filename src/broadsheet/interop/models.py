"""What imports remember: which local object each source's record made, and old addresses."""

from __future__ import annotations

from django.db import models

MAX_OLD_PATH_LENGTH = 500  # WordPress permalinks with long slugs and a query still fit


class ImportedObject(models.Model):
    """Record `key` of kind `kind` from `source` became local object `object_id`.

    Running an import again finds its records here and creates nothing twice; records that
    name each other by key (a comment's parent, a post's author) are resolved through it.
    """

    source = models.CharField(max_length=16)  # records.Source
    kind = models.CharField(max_length=16)  # user, section, tag, post, comment
    key = models.CharField(max_length=200)
    object_id = models.PositiveBigIntegerField()
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["source", "kind", "key"], name="imported_object_unique_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.kind} {self.key} -> {self.object_id}"


class Redirect(models.Model):
    """An old address (path, and query where it matters) that answers 301 to a new one."""

    old_path = models.CharField(max_length=MAX_OLD_PATH_LENGTH, unique=True)
    new_path = models.CharField(max_length=MAX_OLD_PATH_LENGTH)
    source = models.CharField(max_length=16, blank=True, help_text="Empty: added by hand.")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["old_path"]

    def __str__(self) -> str:
        return f"{self.old_path} -> {self.new_path}"
