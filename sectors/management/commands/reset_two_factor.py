"""Recovery for a lost authenticator: remove a user's two-factor devices so
that their next sign-in sets up a new one. Run by the IT staff on the server:

    .venv/bin/python manage.py reset_two_factor USERNAME

It also lifts a sign-in lockout of that user name, and is recorded in the
audit trail. Check who is asking (in person or by a call back) first.
"""

from __future__ import annotations

from axes.utils import reset
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from sectors.audit import events as audit
from sectors.models import User


class Command(BaseCommand):
    help = "Remove a user's two-factor devices (lost phone) and unlock their sign-in."

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")

    def handle(self, *args, username: str, **options) -> None:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(_("No user named “%(name)s”.") % {"name": username})
        removed, _details = TOTPDevice.objects.filter(user=user).delete()
        reset(username=username)
        audit.record(
            action=audit.Action.TWO_FACTOR_RESET,
            username="manage.py",
            model=User,
            object_id=user.pk,
            where="manage.py reset_two_factor",
            detail=username,
        )
        self.stdout.write(
            _("Removed %(count)s two-factor device(s) of %(name)s; they set up a new one at their next sign-in.")
            % {"count": removed, "name": username}
        )
