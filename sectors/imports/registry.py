"""Which importer reads which kind of sheet.

The roster's importers live here; activities registers its own when it is
loaded (activities.apps.ActivitiesConfig.ready), so that sectors never imports
activities and the import pages still list every kind.
"""

from __future__ import annotations

from .base import Importer
from .members import MemberImporter
from .workstations import WorkstationImporter

_IMPORTERS: dict[str, type[Importer]] = {
    MemberImporter.kind: MemberImporter,
    WorkstationImporter.kind: WorkstationImporter,
}


def register(importer: type[Importer]) -> type[Importer]:
    _IMPORTERS[importer.kind] = importer
    return importer


def importer_for(kind: str) -> type[Importer] | None:
    return _IMPORTERS.get(kind)


def importers() -> list[type[Importer]]:
    return list(_IMPORTERS.values())
