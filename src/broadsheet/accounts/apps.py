from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    name = "broadsheet.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from broadsheet.accounts.roles import sync_role_groups_after_migrate

        # Permissions exist only after every app has migrated, so the role groups are
        # brought up to date then rather than in a migration of this app.
        post_migrate.connect(sync_role_groups_after_migrate, dispatch_uid="broadsheet-roles")
