"""`manage.py year_report`: the dashboard's figures for IT staff, as JSON or Excel.

    manage.py year_report --from 2019-05-01 --to 2020-04-30 --format json
    manage.py year_report --year 2025 --format xlsx --output 2025.xlsx

The JSON is the dashboard's (reports.selectors.dashboard.dashboard_data) for the
whole committee: `figures` carries every key documented in the README.
"""

from __future__ import annotations

import datetime
import json

from django.core.management.base import BaseCommand, CommandError, CommandParser

from portal import clock
from portal.spreadsheets import workbook_bytes
from reports.dashboard_tables import dashboard_sheets
from reports.figures import Period, period_problem
from reports.selectors.dashboard import dashboard_data
from sectors.models import Committee, committee_for_portal


def _date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError as error:
        raise CommandError(f"Not a date (YYYY-MM-DD): {text!r}") from error


class Command(BaseCommand):
    help = "Write the year-end figures (every dashboard key) for a year or a period, as JSON or Excel."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, help="A calendar year (default: this year).")
        parser.add_argument("--from", dest="start", help="First day of the period, YYYY-MM-DD.")
        parser.add_argument("--to", dest="end", help="Last day of the period, YYYY-MM-DD.")
        parser.add_argument("--format", choices=["json", "xlsx"], default="json")
        parser.add_argument("--output", help="File to write (required for xlsx; JSON goes to standard output).")
        parser.add_argument("--committee", help="Committee code (default: PORTAL_COMMITTEE_CODE).")

    def handle(self, *args, year=None, start=None, end=None, output=None, committee=None, **options) -> None:
        period = self._period(year, start, end)
        try:
            chosen = Committee.objects.get(code=committee) if committee else committee_for_portal()
        except Committee.DoesNotExist as error:
            raise CommandError(f"No committee with code {committee or ''!r}; run setup_committee first.") from error
        data = dashboard_data(committee=chosen, period=period)
        if options["format"] == "xlsx":
            if not output:
                raise CommandError("--format xlsx needs --output FILE.")
            with open(output, "wb") as file:
                file.write(workbook_bytes(dashboard_sheets(data)))
            self.stderr.write(f"Wrote {output}")
            return
        text = json.dumps(data, ensure_ascii=False, indent=2)
        if output:
            with open(output, "w", encoding="utf-8") as file:
                file.write(text + "\n")
            self.stderr.write(f"Wrote {output}")
        else:
            self.stdout.write(text)

    @staticmethod
    def _period(year: int | None, start: str | None, end: str | None) -> Period:
        if year is not None and (start or end):
            raise CommandError("Give either --year or --from and --to, not both.")
        if start or end:
            if not (start and end):
                raise CommandError("Give both --from and --to.")
            first, last = _date(start), _date(end)
            problem = period_problem(first, last)
            if problem:
                raise CommandError(problem)
            return Period(first, last)
        year = year or clock.today().year
        if not 2000 <= year <= 2100:
            raise CommandError("--year must be between 2000 and 2100.")
        return Period.year(year)
