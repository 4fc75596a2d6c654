"""Which importer reads which kind of sheet.

Each app registers its importers when it is loaded (sectors.apps.SectorsConfig.ready:
members, then workstations; activities.apps.ActivitiesConfig.ready: activities), so that
the framework imports no app and the import pages still list every kind.
"""

from __future__ import annotations

from portal.importing.base import Importer

_IMPORTERS: dict[str, type[Importer]] = {}


def register(importer: type[Importer]) -> type[Importer]:
    _IMPORTERS[importer.kind] = importer
    return importer


def importer_for(kind: str) -> type[Importer] | None:
    return _IMPORTERS.get(kind)


def importers() -> list[type[Importer]]:
    return list(_IMPORTERS.values())
