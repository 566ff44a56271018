"""Reads from a PostgreSQL read replica, writes to the primary (DATABASE_REPLICA_URL).

Enabled by settings.py only when DATABASE_REPLICA_URL is set. A read outside any transaction
goes to the replica: the pages, the API's lists, a session or a user looked up. A read inside
a transaction on the primary stays there: every service writes in `transaction.atomic` and
decides what to write from what it reads first (a thread's last number under its row lock,
whether a comment may still be edited), and that must be what the primary holds, not what
the replica has caught up to. Writes, and reads made for a write (`select_for_update`), go
to the primary; migrations run on the primary alone and reach the replica by replication.

The replica must have applied a commit before that commit's listeners run, or the page
cache breaks: a listener moves the thread's version token after the commit, the next
anonymous read renders the page from the replica, and a replica a few milliseconds behind
renders it without the new comment, which is then cached under the new token for up to ten
minutes. PostgreSQL guarantees it with the replica named in `synchronous_standby_names`
and `synchronous_commit = remote_apply` on the primary: a commit returns only once the
replica shows it (docs/deploy.md, "The read replica"). An asynchronous replica is not
supported by this router.
"""

from __future__ import annotations

from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model

REPLICA = "replica"


class ReplicaRouter:
    def db_for_read(self, model: type[Model], **hints: Any) -> str:
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS
        return REPLICA

    def db_for_write(self, model: type[Model], **hints: Any) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, first: Model, second: Model, **hints: Any) -> bool:
        return True  # one database, two ways in: every row exists on both

    def allow_migrate(
        self, db: str, app_label: str, model_name: str | None = None, **hints: Any
    ) -> bool:
        return db == DEFAULT_DB_ALIAS
