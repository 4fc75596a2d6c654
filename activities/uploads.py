"""Checks on uploaded files (attachments, plans, summaries).

A file is judged by its content, not its name nor the type the browser
claims: its first bytes must be those of the kind its extension names (a PDF
starts with "%PDF-", Word/Excel/PowerPoint files are OLE compound files or
Office Open XML zips, images carry their magic numbers, text is text). The
type the portal detects is the one stored and the one downloads are served
with.

Then the portal looks inside (`_danger`): Office files carrying macros
(`vbaProject.bin`, VBA storages) are refused, and so are Office zips that
would inflate beyond UPLOAD_MAX_INFLATED_BYTES, PDFs with JavaScript, launch
actions, embedded files or rich media (also inside compressed object
streams), and text files that are HTML or SVG under a .txt name. Refusing is
simpler to trust than stripping: the user saves a clean copy and uploads it.
"""

from __future__ import annotations

import pathlib
import re
import zipfile
import zlib
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


MACRO_STORAGES = {"vba", "_vba_project_cur", "_vba_project", "macros"}
PDF_ACTIVE = {b"/JavaScript", b"/JS", b"/Launch", b"/EmbeddedFile", b"/EmbeddedFiles", b"/RichMedia", b"/XFA"}
_PDF_NAME = re.compile(rb"/[^\s/<>\[\]()%{}]+")
_PDF_HEX = re.compile(rb"#([0-9A-Fa-f]{2})")
_PDF_STREAM = re.compile(rb"stream\r?\n")
_HTML = re.compile(
    r"<\s*(?:!doctype|html|head|body|script|iframe|frame|svg|img|meta|style|object|embed|form|link|a|base|\?xml)[\s/>]",
    re.IGNORECASE,
)
CHUNK = 1024 * 1024


def _ooxml_danger(handle: IO[bytes]) -> str | None:
    with zipfile.ZipFile(handle) as archive:
        entries = archive.infolist()
    if any(entry.filename.lower().rsplit("/", 1)[-1].startswith("vbaproject") for entry in entries):
        return _("it contains macros (vbaProject.bin)")
    if sum(entry.file_size for entry in entries) > settings.UPLOAD_MAX_INFLATED_BYTES:
        return _("it would unpack to more than %(limit)s") % {
            "limit": filesizeformat(settings.UPLOAD_MAX_INFLATED_BYTES)
        }
    return None


def _ole_danger(handle: IO[bytes]) -> str | None:
    import olefile

    try:
        with olefile.OleFileIO(handle) as ole:
            paths = ole.listdir(streams=True, storages=True)
    except (OSError, ValueError, IndexError, TypeError):
        return _("it is damaged")
    if any(part.lower() in MACRO_STORAGES for path in paths for part in path):
        return _("it contains macros")
    return None


def _pdf_names(data: bytes) -> set[bytes]:
    """The names in `data`, with #xx escapes decoded (/J#61vaScript is /JavaScript)."""
    return {_PDF_HEX.sub(lambda m: bytes([int(m.group(1), 16)]), name) for name in _PDF_NAME.findall(data)}


def _pdf_streams(data: bytes, budget: int):
    """Each compressed stream of the PDF, inflated (within `budget` bytes in all):
    object streams can hide the dictionaries that raw bytes would show."""
    view = memoryview(data)
    for match in _PDF_STREAM.finditer(data):
        if budget <= 0:
            return
        inflater = zlib.decompressobj()
        try:
            inflated = inflater.decompress(view[match.end() :], budget)
        except zlib.error:
            continue
        budget -= len(inflated)
        yield inflated


def _pdf_danger(handle: IO[bytes]) -> str | None:
    handle.seek(0)
    data = handle.read(settings.UPLOAD_MAX_BYTES + 1)
    names = _pdf_names(data)
    for inflated in _pdf_streams(data, settings.UPLOAD_MAX_INFLATED_BYTES):
        names |= _pdf_names(inflated)
    if names & PDF_ACTIVE:
        return _("it contains scripts, embedded files or actions")
    return None


def _text_danger(handle: IO[bytes]) -> str | None:
    handle.seek(0)
    tail = ""
    while chunk := handle.read(CHUNK):
        text = tail + chunk.decode("utf-8", errors="ignore")
        if _HTML.search(text):
            return _("it is a web page (HTML), not plain text")
        tail = text[-64:]  # a tag cut in two by the chunk
    return None


DANGER_CHECKS = {"docx": _ooxml_danger, "xlsx": _ooxml_danger, "pptx": _ooxml_danger}
DANGER_CHECKS.update({"doc": _ole_danger, "xls": _ole_danger, "ppt": _ole_danger})
DANGER_CHECKS.update({"pdf": _pdf_danger, "txt": _text_danger})


def _danger(handle: IO[bytes], ext: str) -> str | None:
    """Why a file of the right kind is still refused, or None."""
    check = DANGER_CHECKS.get(ext)
    if check is None:
        return None
    try:
        return check(handle)
    finally:
        handle.seek(0)


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
    danger = _danger(upload, ext)
    if danger:
        raise ValidationError(
            _("“%(name)s” cannot be kept: %(reason)s. Save a clean copy (without macros or scripts) and upload that.")
            % {"name": upload.name, "reason": danger},
            code="upload_danger",
        )
    return content_type
