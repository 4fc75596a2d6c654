"""Checks on uploaded files (attachments, plans, summaries).

A file is judged by its content, not its name nor the type the browser
claims: its first bytes must be those of the kind its extension names (a PDF
starts with "%PDF-", Word/Excel/PowerPoint files are OLE compound files or
Office Open XML zips, images carry their magic numbers, text is text). The
type the portal detects is the one stored and the one downloads are served
with.
"""

from __future__ import annotations

import pathlib
import zipfile
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP = b"PK\x03\x04"
HEAD_BYTES = 4096
FALLBACK_TYPE = "application/octet-stream"


@dataclass(frozen=True)
class Kind:
    content_type: str
    magic: tuple[bytes, ...] = ()  # the file starts with one of these
    ooxml_folder: str = ""  # an Office Open XML zip holding this folder
    text: bool = False


KINDS: dict[str, Kind] = {
    "pdf": Kind("application/pdf", magic=(b"%PDF-",)),
    "doc": Kind("application/msword", magic=(OLE,)),
    "xls": Kind("application/vnd.ms-excel", magic=(OLE,)),
    "ppt": Kind("application/vnd.ms-powerpoint", magic=(OLE,)),
    "docx": Kind("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ooxml_folder="word/"),
    "xlsx": Kind("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ooxml_folder="xl/"),
    "pptx": Kind("application/vnd.openxmlformats-officedocument.presentationml.presentation", ooxml_folder="ppt/"),
    "txt": Kind("text/plain; charset=utf-8", text=True),
    "jpg": Kind("image/jpeg", magic=(b"\xff\xd8\xff",)),
    "jpeg": Kind("image/jpeg", magic=(b"\xff\xd8\xff",)),
    "png": Kind("image/png", magic=(b"\x89PNG\r\n\x1a\n",)),
}


def _extension(name: str) -> str:
    return pathlib.Path(name or "").suffix.lower().lstrip(".")


def _is_ooxml(handle: IO[bytes], folder: str) -> bool:
    try:
        with zipfile.ZipFile(handle) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    return "[Content_Types].xml" in names and any(name.startswith(folder) for name in names)


def _is_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    for encoding in ("utf-8", "gb18030"):
        try:
            # The last character may be cut in two by the HEAD_BYTES limit.
            head.decode(encoding) if len(head) < HEAD_BYTES else head[:-4].decode(encoding)
        except UnicodeDecodeError:
            continue
        return True
    return False


def _matches(handle: IO[bytes], kind: Kind) -> bool:
    handle.seek(0)
    head = handle.read(HEAD_BYTES)
    handle.seek(0)
    if kind.text:
        return _is_text(head)
    if kind.ooxml_folder:
        found = head.startswith(ZIP) and _is_ooxml(handle, kind.ooxml_folder)
        handle.seek(0)
        return found
    return any(head.startswith(magic) for magic in kind.magic)


def detected_type(handle: IO[bytes], name: str) -> str | None:
    """The content type of a file whose content is of the kind its name says; None otherwise."""
    kind = KINDS.get(_extension(name))
    if kind is None:
        return None
    return kind.content_type if _matches(handle, kind) else None


def served_type(field_file, name: str) -> str:
    """The type a stored file is downloaded with: detected from its content again,
    never taken from the browser that uploaded it."""
    try:
        # A handle of its own: the FieldFile's may be the one being streamed.
        with field_file.storage.open(field_file.name, "rb") as handle:
            return detected_type(handle, name) or FALLBACK_TYPE
    except (FileNotFoundError, ValueError):
        return FALLBACK_TYPE


def validate_upload(upload) -> str:
    """Refuse files that are too large, of a type the portal does not keep, or whose
    content is not what their name says; return the detected content type."""
    ext = _extension(upload.name)
    allowed = settings.UPLOAD_ALLOWED_EXTENSIONS
    if ext not in allowed or ext not in KINDS:
        raise ValidationError(
            _("Files of type “%(ext)s” cannot be uploaded. Allowed types: %(allowed)s.")
            % {"ext": ext or "?", "allowed": "、".join(allowed)},
            code="upload_type",
        )
    if upload.size > settings.UPLOAD_MAX_BYTES:
        raise ValidationError(
            _("“%(name)s” is %(size)s; files may be at most %(limit)s.")
            % {
                "name": upload.name,
                "size": filesizeformat(upload.size),
                "limit": filesizeformat(settings.UPLOAD_MAX_BYTES),
            },
            code="upload_size",
        )
    content_type = detected_type(upload, upload.name)
    if content_type is None:
        raise ValidationError(
            _("“%(name)s” is not a real %(ext)s file: its content does not match its name. Upload the original file.")
            % {"name": upload.name, "ext": ext.upper()},
            code="upload_content",
        )
    return content_type
