"""`manage.py setup_committee`: create the committee this portal serves."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from portal import clock
from reports.setup import portal_setup
from sectors.roster.setup import SetupCounts


class Command(BaseCommand):
    help = "Create the committee, its current term, its 29 sector groups and this year's assessment rules."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--year", type=int, help="Assessment year to create (default: the current year).")

    def handle(self, *args, year: int | None = None, **options) -> None:
        counts = SetupCounts()
        year = year or clock.today().year
        committee = portal_setup(year=year, counts=counts)
        term = committee.current_term
        self.stdout.write(
            _("%(committee)s: term %(term)s, %(groups)d sector groups, assessment year %(year)d.")
            % {
                "committee": committee.name,
                "term": term.number if term else "-",
                "groups": committee.sector_groups.count(),
                "year": year,
            }
        )
        message = _("Rows created: %(created)d, updated: %(updated)d.") % {
            "created": counts.created,
            "updated": counts.updated,
        }
        self.stdout.write(self.style.SUCCESS(message))
