from pathlib import Path

from django.apps import AppConfig
from django.core.exceptions import ImproperlyConfigured
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


def _in_repository(path: Path, base: Path) -> bool:
    return path.is_relative_to(base) and "site-packages" not in path.parts


# The tables that hold the records summaries count (portal.cache): those of the
# portal's own apps (any app in this repository, so a new app's tables count without
# a list to keep), less the bookkeeping each app names in its config's `not_records`
# (model names): sign-ins and roles, the audit trail, messages, import and export runs'
# progress, form submission keys; history rows are the records' own history. No
# summary reads bookkeeping, and it is written by reading pages (a notice opened, an
# export's progress), which must not make every summary be computed afresh.
def record_tables() -> tuple[list[str], list[str]]:
    """The tables whose writes change the records: every model of the portal's apps, with
    the many-to-many link tables, except the history models and each app's `not_records`;
    and those bookkeeping tables apart (no summary may read them)."""
    from django.apps import apps
    from django.conf import settings

    records, bookkeeping = [], []
    for config in apps.get_app_configs():
        if not _in_repository(Path(config.path), settings.BASE_DIR):
            continue
        named = {f"{config.label}.{name}" for name in getattr(config, "not_records", ())}
        models = list(config.get_models(include_auto_created=True))
        if unknown := named - {model._meta.label_lower for model in models}:  # a model renamed since
            raise ImproperlyConfigured(f"not_records names no model: {', '.join(sorted(unknown))}")
        for model in models:
            if not model.__name__.startswith("Historical"):
                kept = bookkeeping if model._meta.label_lower in named else records
                kept.append(model._meta.db_table)
    return records, bookkeeping


class SectorsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "sectors"
    verbose_name = _("Sectors and members")
    not_records = (
        "user",
        "user_groups",
        "user_user_permissions",
        "auditevent",
        "notification",
        "importrun",
        "exportrun",
        "submissionkey",
    )

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
        records, bookkeeping = record_tables()
        freshness.watch(records, bookkeeping=bookkeeping)
        freshness.install()
        session_roles.connect()
