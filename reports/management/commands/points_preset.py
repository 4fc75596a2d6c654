"""`manage.py points_preset`: give a year the duty-point rules of a preset.

manage.py points_preset --year 2025 --preset minhang
manage.py points_preset --year 2025 --preset tongcheng --replace
manage.py points_preset --list
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from reports.points.presets import PRESETS
from reports.points.services import preset_apply
from sectors.models import Committee, committee_for_portal


class Command(BaseCommand):
    help = "Set a year's duty-point rules (items, caps, grade bands) from a preset."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int)
        parser.add_argument("--preset", choices=sorted(PRESETS))
        parser.add_argument("--replace", action="store_true", help="Overwrite the year's existing rules.")
        parser.add_argument("--committee", help="Committee code (default: PORTAL_COMMITTEE_CODE).")
        parser.add_argument("--list", action="store_true", help="List the presets and stop.")

    def handle(self, *args, year=None, preset=None, replace=False, committee=None, **options) -> None:
        if options["list"]:
            for code, chosen in PRESETS.items():
                self.stdout.write(f"{code}: {chosen.label}")
            return
        if year is None or preset is None:
            raise CommandError("Give --year and --preset (or --list).")
        try:
            chosen = Committee.objects.get(code=committee) if committee else committee_for_portal()
        except Committee.DoesNotExist as error:
            raise CommandError(f"No committee with code {committee or ''!r}.") from error
        try:
            point_year = preset_apply(committee=chosen, year=year, preset=preset, replace=replace)
        except ValidationError as refused:
            raise CommandError(" ".join(refused.messages)) from refused
        self.stdout.write(
            f"{year}: {point_year.rules.count()} rules, {point_year.caps.count()} caps, "
            f"{point_year.grades.count()} grade bands from {preset}."
        )
