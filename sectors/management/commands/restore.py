"""`manage.py restore FILE`: put back the database and the uploaded files of an archive."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from sectors.ops.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = "Replace the database and MEDIA_ROOT with those of an archive written by `backup`."

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="Archive written by `manage.py backup`.")
        parser.add_argument("--noinput", "--no-input", action="store_false", dest="interactive")

    def handle(self, *args, file: str, interactive: bool = True, **options) -> None:
        source = Path(file)
        if not source.is_file():
            raise CommandError(_("No such archive: %(file)s") % {"file": source})
        if interactive:
            answer = input(_("Everything written since this backup will be lost. Type 'yes' to restore: "))
            if answer.strip().lower() != "yes":
                raise CommandError(_("Restore cancelled."))
        try:
            manifest = backup_restore(source=source)
        except BackupError as failed:
            raise CommandError(str(failed)) from failed
        self.stdout.write(
            _("Restored the database and %(count)d files of the backup made at %(created)s.")
            % {"count": len(manifest["media"]), "created": manifest["created"]}
        )
