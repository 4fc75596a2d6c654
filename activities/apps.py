from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivitiesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "activities"
    verbose_name = _("Activities and records")

    def ready(self) -> None:
        # sectors' import pages list every kind of sheet; this app adds its own.
        from portal.importing.registry import register

        from .imports import ActivityImporter

        register(ActivityImporter)
