from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "members"
    verbose_name = _("Members' side")
    # A member opening a notice stamps their receipt: bookkeeping, no summary reads it (sectors.apps).
    not_records = ("noticerecipient",)
