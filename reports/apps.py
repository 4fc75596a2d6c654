from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reports"
    verbose_name = _("Assessment and reports")

    def ready(self) -> None:
        # Record pages in activities show the year's constituent target without
        # importing this app (see activities.carriers.constituent_target).
        from activities.carriers import constituent_target_lookup_register
        from activities.closing import closed_year_lookup_register

        from .selectors.summary import constituent_target
        from .snapshots import is_closed

        constituent_target_lookup_register(constituent_target)
        # Record forms warn when a record falls in a closed year (activities.closing).
        closed_year_lookup_register(is_closed)

        # The member import's preview shows how each group's score changes (sectors.importers.members).
        from sectors.importers.members import score_effects_register

        from .import_effects import member_import_effects

        score_effects_register(member_import_effects)

        # Closing a year freezes the members' duty points (reports.points.signals).
        from .points import signals  # noqa: F401
