"""`manage.py seed_demo`: the committee plus fictional demo members and records."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from activities import models as records
from demo.accounts import demo_totp_secret
from demo.seed import DEMO_PASSWORD, DemoRefused, demo_accounts, demo_seed
from portal.roles import ROLE_LABELS
from reports.points.models import PointAppeal, PointYear
from sectors.models import Constituent, Member, Workstation

# demo_seed's count names -> the model whose (translated) plural names them.
_COUNTED = {
    "members": Member,
    "workstations": Workstation,
    "activities": records.Activity,
    "attendance": records.Attendance,
    "duty_reports": records.DutyReport,
    "opinion_reports": records.OpinionReport,
    "proposals": records.Proposal,
    "proposal_handlings": records.ProposalHandling,
    "adoptions": records.OpinionAdoption,
    "instructions": records.Instruction,
    "consultation_outcomes": records.ConsultationOutcome,
    "documents": records.GroupDocument,
    "constituents": Constituent,
    "contacts": records.ConstituentContact,
    "meeting_answers": records.MeetingAnswer,
    "self_reports": records.SelfReport,
    "point_years": PointYear,
    "point_appeals": PointAppeal,
}


class Command(BaseCommand):
    help = "Create the committee and fictional demo data (members, two years of records, one user per role)."

    def handle(self, *args, **options) -> None:
        started = time.monotonic()
        try:
            result = demo_seed()
        except DemoRefused as error:
            raise CommandError(_("This committee has real members: demo data is not added to it.")) from error
        if result.created:
            for name, count in result.counts.items():
                self.stdout.write(f"  {_COUNTED[name]._meta.verbose_name_plural}: {count}")
            self.stdout.write(self.style.SUCCESS(_("Demo data created.")))
        else:
            self.stdout.write(_("Demo data already present: nothing added."))
        self._print_accounts()
        self.stdout.write(_("Done in %(seconds).1f s.") % {"seconds": time.monotonic() - started})

    def _print_accounts(self) -> None:
        self.stdout.write("")
        self.stdout.write(self.style.WARNING(_("Demo accounts (for demonstration only, never in production):")))
        headers = (_("User name"), _("Password"), pgettext("portal role", "Role"))
        self.stdout.write("  {:<10} {:<12} {}".format(*headers))
        for account in demo_accounts():
            self.stdout.write(f"  {account.username:<10} {DEMO_PASSWORD:<12} {ROLE_LABELS[account.role]}")
        self.stdout.write(
            _(
                "The administrator also enters a two-factor code: add the key %(key)s to an authenticator app, "
                "or run “manage.py demo_code” for the current code."
            )
            % {"key": demo_totp_secret()}
        )
