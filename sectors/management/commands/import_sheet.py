"""`manage.py import_sheet`: a shell over sectors.importers.command."""

from sectors.importers.command import Command  # noqa: F401
