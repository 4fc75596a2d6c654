from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivitiesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "activities"
    verbose_name = _("Activities and records")
    # A planned meeting's answers (attending, leave) and check-ins: no summary reads them;
    # they become attendance when the roster is confirmed, a write to the records. Without
    # this, every check-in of a 500-member meeting would renew every summary (sectors.apps).
    not_records = ("meetinganswer", "checkin")

    def ready(self) -> None:
        # sectors' import pages list every kind of sheet; this app adds its own.
        from portal.importing.registry import register

        from .imports import ActivityImporter

        register(ActivityImporter)
