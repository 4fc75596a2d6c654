"""`manage.py backup [FILE]`: the database and every uploaded file, in one archive."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from portal import clock
from sectors.ops.backup import BackupError, backup_create


class Command(BaseCommand):
    help = "Write the database and MEDIA_ROOT into one .tar.gz archive (pg_dump on PostgreSQL, SQLite's backup API)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", nargs="?", help="Archive to write (default: backups/portal-YYYY-MM-DD.tar.gz).")

    def handle(self, *args, file: str | None = None, **options) -> None:
        target = Path(file or f"backups/portal-{clock.today():%Y-%m-%d}.tar.gz")
        try:
            manifest = backup_create(target=target)
        except BackupError as failed:
            raise CommandError(str(failed)) from failed
        self.stdout.write(
            _("Backup written to %(file)s: the %(engine)s database and %(count)d files.")
            % {"file": target, "engine": manifest["engine"], "count": len(manifest["media"])}
        )
