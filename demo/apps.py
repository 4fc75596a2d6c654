from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """Fictional demo data: the top layer, above sectors, activities and reports,
    since it writes records of all three. No models."""

    name = "demo"
    verbose_name = _("Demo data")
