"""The `manage.py import_sheet members|workstations|activities FILE [--dry-run]`: the import pages' pipeline
from the command line. Prints the preview's counts and every rejected row's reason; exits with
status 1 when a row was rejected (the valid rows are still written, unless --all-or-nothing)."""

from __future__ import annotations

import datetime
import pathlib

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from portal.importing.base import masked_report
from portal.importing.reading import UnreadableFile, read_sheet
from portal.importing.registry import importer_for, importers
from sectors.importers import runs
from sectors.models import ImportRun, committee_for_portal


class Command(BaseCommand):
    help = "Import members, workstations or activities from a spreadsheet (.xlsx, .xls, .ods, .csv)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("kind", choices=[importer.kind for importer in importers()])
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="check the file and print the counts; write nothing")
        parser.add_argument("--all-or-nothing", action="store_true", help="write nothing if any row is rejected")
        parser.add_argument(
            "--joined-on",
            type=datetime.date.fromisoformat,
            help="members: the joining date (YYYY-MM-DD) of new members the file gives none (default: today)",
        )

    def handle(self, *args, kind: str, file: str, dry_run: bool, all_or_nothing: bool, **options) -> None:
        path = pathlib.Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {file}")
        importer = importer_for(kind)(committee=committee_for_portal())
        if options.get("joined_on") and hasattr(importer, "default_joined_on"):
            importer.default_joined_on = options["joined_on"]
        try:
            plan = importer.plan(read_sheet(path.read_bytes(), path.name))
        except UnreadableFile as refusal:
            raise CommandError(str(refusal)) from None
        for rejection in plan.rejections:
            column = f" [{rejection.column}]" if rejection.column else ""
            self.stdout.write(f"row {rejection.row}{column}: {rejection.reason}")
        if plan.unknown:
            self.stdout.write("ignored columns: " + "、".join(plan.unknown))
        written = not dry_run and not (all_or_nothing and plan.rejections)
        if written:
            for part in runs.plan_parts(plan):  # short transactions: the web pages keep working
                with transaction.atomic():
                    runs.write_plan(importer, part)
            ImportRun.objects.create(
                kind=kind,
                file_name=path.name[-200:],
                file_size=path.stat().st_size,
                status=ImportRun.Status.DONE,
                finished_at=timezone.now(),
                total_rows=plan.total,
                created_count=plan.created,
                updated_count=plan.updated,
                unchanged_count=plan.unchanged,
                rejected_count=plan.rejected,
                report=masked_report(plan.summary(), importer.columns),
            )
        verb = "written" if written else "nothing written"
        self.stdout.write(
            f"{plan.total} rows: {plan.created} created, {plan.updated} updated, "
            f"{plan.unchanged} unchanged, {plan.rejected} rejected ({verb})"
        )
        if plan.rejections:
            raise SystemExit(1)
