"""Backup and restore of the whole portal: the database and the uploaded files,
in one archive.

An archive is a .tar.gz holding `manifest.json` (engine, time, every file's
SHA-256), the database (`database.pgdump`: pg_dump's custom format on
PostgreSQL; `database.sqlite3`: a consistent copy through SQLite's backup API)
and `media/` (everything under MEDIA_ROOT). Restoring puts back both the
database and MEDIA_ROOT exactly as they were: rows added since are gone, files
uploaded since are removed.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import connections

from portal import cache as freshness

MANIFEST = "manifest.json"
FORMAT_VERSION = 1


class BackupError(Exception):
    """A backup or restore could not be completed; nothing was changed by a failed restore's checks."""


def _engine(alias: str) -> str:
    vendor = connections[alias].vendor
    if vendor not in ("postgresql", "sqlite"):
        raise BackupError(f"Backups support PostgreSQL and SQLite, not {vendor}.")
    return vendor


def _pg_env_and_args(alias: str) -> tuple[dict[str, str], list[str]]:
    """libpq environment and connection arguments from Django's settings (no password on the command line)."""
    params = connections[alias].settings_dict
    env = dict(os.environ)
    if params.get("PASSWORD"):
        env["PGPASSWORD"] = str(params["PASSWORD"])
    args = ["--dbname", str(params["NAME"])]
    if params.get("HOST"):
        args += ["--host", str(params["HOST"])]
    if params.get("PORT"):
        args += ["--port", str(params["PORT"])]
    if params.get("USER"):
        args += ["--username", str(params["USER"])]
    return env, args


def _run(command: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()[-2000:]}")


def _dump_database(alias: str, folder: Path) -> Path:
    if _engine(alias) == "postgresql":
        target = folder / "database.pgdump"
        env, args = _pg_env_and_args(alias)
        _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", "--file", str(target), *args], env)
        return target
    target = folder / "database.sqlite3"
    connection = connections[alias]
    connection.ensure_connection()
    with sqlite3.connect(target) as copy:
        connection.connection.backup(copy)  # consistent even while others write
    copy.close()
    return target


def _load_database(alias: str, dump: Path) -> None:
    connection = connections[alias]
    if _engine(alias) == "postgresql":
        connection.close()  # hold no lock on the tables pg_restore drops
        env, args = _pg_env_and_args(alias)
        _run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
                *args,
                str(dump),
            ],
            env,
        )
        return
    connection.ensure_connection()
    with sqlite3.connect(dump) as source:
        source.backup(connection.connection)
    source.close()


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _media_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def backup_create(*, target: Path, alias: str = "default") -> dict:
    """Write the archive to `target`; return its manifest."""
    media_root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory() as scratch:
        dump = _dump_database(alias, Path(scratch))
        files = _media_files(media_root)
        manifest = {
            "format": FORMAT_VERSION,
            "engine": _engine(alias),
            "created": datetime.datetime.now(datetime.UTC).isoformat(),
            "database": dump.name,
            "database_sha256": _sha256(dump),
            "media": {p.relative_to(media_root).as_posix(): _sha256(p) for p in files},
        }
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".partial")
        with tarfile.open(partial, "w:gz") as archive:
            data = json.dumps(manifest, indent=2, ensure_ascii=False).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
            archive.add(dump, arcname=dump.name)
            for path in files:
                archive.add(path, arcname=f"media/{path.relative_to(media_root).as_posix()}")
        partial.replace(target)  # a half-written archive never carries the real name
    return manifest


def _safe_members(archive: tarfile.TarFile) -> list[tarfile.TarInfo]:
    members = archive.getmembers()
    for member in members:
        name = Path(member.name)
        if name.is_absolute() or ".." in name.parts or not (member.isfile() or member.isdir()):
            raise BackupError(f"Unexpected entry in the archive: {member.name}")
    return members


def backup_restore(*, source: Path, alias: str = "default") -> dict:
    """Put back the database and MEDIA_ROOT from an archive; return its manifest.

    Everything is checked (manifest, engine, checksums) before anything is changed.
    """
    media_root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory() as scratch, tarfile.open(source, "r:gz") as archive:
        folder = Path(scratch)
        archive.extractall(folder, members=_safe_members(archive), filter="data")
        try:
            manifest = json.loads((folder / MANIFEST).read_text())
        except (FileNotFoundError, json.JSONDecodeError) as broken:
            raise BackupError("The archive has no readable manifest.") from broken
        if manifest.get("format") != FORMAT_VERSION:
            raise BackupError(f"Unknown archive format: {manifest.get('format')}")
        if manifest["engine"] != _engine(alias):
            raise BackupError(f"The archive holds a {manifest['engine']} database; this portal uses {_engine(alias)}.")
        dump = folder / manifest["database"]
        if _sha256(dump) != manifest["database_sha256"]:
            raise BackupError("The database copy in the archive is damaged (checksum mismatch).")
        for name, digest in manifest["media"].items():
            if _sha256(folder / "media" / name) != digest:
                raise BackupError(f"The file {name} in the archive is damaged (checksum mismatch).")

        _load_database(alias, dump)
        if media_root.exists():
            shutil.rmtree(media_root)
        if (folder / "media").exists():
            shutil.copytree(folder / "media", media_root)
        else:
            media_root.mkdir(parents=True, exist_ok=True)
    freshness.records_changed()  # every cached summary described the database before
    return manifest
