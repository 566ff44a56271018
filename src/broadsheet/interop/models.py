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


class ImportFormat(models.TextChoices):
    """What the admin's upload page imports (Scoop is read from its database, by the command)."""

    WXR = "wxr", "WordPress (WXR)"
    DISQUS = "disqus", "Disqus"


class ImportState(models.TextChoices):
    QUEUED = "queued", "queued"
    RUNNING = "running", "running"
    DONE = "done", "done"
    FAILED = "failed", "failed"


UNFINISHED_STATES = (ImportState.QUEUED, ImportState.RUNNING)


class ImportRun(models.Model):
    """One import started from the admin: the file uploaded, run by the background worker.

    The uploaded files are removed once the run ends (an export holds readers' e-mail and IP
    addresses, and may be hundreds of megabytes); the summary or the error stays.
    """

    started_by = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    format = models.CharField(max_length=16, choices=ImportFormat.choices)
    file = models.FileField(upload_to="imports/", max_length=300, blank=True)
    FILE_NAME_LENGTH = 255
    file_name = models.CharField(
        max_length=FILE_NAME_LENGTH
    )  # as uploaded, kept once the file is gone
    dry_run = models.BooleanField(default=False)
    # Options: WXR's zone for dates without GMT and the old site's path; Disqus's thread map.
    time_zone = models.CharField(max_length=64, blank=True)
    path_prefix = models.CharField(max_length=200, blank=True)
    map_file = models.FileField(upload_to="imports/", max_length=300, blank=True)
    state = models.CharField(max_length=16, choices=ImportState.choices, default=ImportState.QUEUED)
    # Records read, stored when the run ends; while it runs, the shared cache has the count
    # (interop.import_runs: the import's own transaction holds SQLite's write lock).
    progress = models.PositiveIntegerField(default=0)
    progress_updated = models.DateTimeField(null=True, blank=True)
    summary_text = models.TextField(blank=True)
    # {"created": [[kind, n]], "updated": [[kind, n]], "skipped": [[what, why]], "notes": [...]}
    summary = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    created = models.DateTimeField(auto_now_add=True)
    started = models.DateTimeField(null=True, blank=True)
    finished = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = "site import"

    def __str__(self) -> str:
        return f"{self.get_format_display()}: {self.file_name}"

    @property
    def is_finished(self) -> bool:
        return self.state not in UNFINISHED_STATES
