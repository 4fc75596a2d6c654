from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_roles(sender, **kwargs) -> None:
    # Keeps the role groups' permissions equal to portal.roles after every
    # migrate, so a model added later reaches the roles without a new migration.
    # It also runs after a test database is flushed, when the other apps'
    # permissions may not have been re-created yet: make them first.
    from django.apps import apps
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Group, Permission

    from portal.roles import sync_role_groups

    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=kwargs.get("using", "default"))
    sync_role_groups(Group, Permission)


class SectorsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "sectors"
    verbose_name = _("Sectors and members")

    def ready(self) -> None:
        from portal import lookups  # noqa: F401  (registers the range-checked `in` lookup)

        post_migrate.connect(_sync_roles, sender=self, dispatch_uid="sectors_sync_roles")
        from portal import cache as freshness
        from portal.importing import registry
        from sectors.accounts import session_roles, signals
        from sectors.importers.members import MemberImporter
        from sectors.importers.workstations import WorkstationImporter

        registry.register(MemberImporter)
        registry.register(WorkstationImporter)
        signals.connect()
        freshness.connect()
        session_roles.connect()
