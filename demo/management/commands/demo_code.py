"""`manage.py demo_code`: the demo administrator's current two-factor code (demo data only)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from demo.accounts import demo_totp_code


class Command(BaseCommand):
    help = "Print the demo administrator's current two-factor sign-in code."

    def handle(self, *args, **options) -> None:
        try:
            self.stdout.write(demo_totp_code())
        except TOTPDevice.DoesNotExist as missing:
            raise CommandError(_("There is no demo administrator here: run seed_demo first.")) from missing
