"""Checks on uploaded files (attachments, plans, summaries)."""

from __future__ import annotations

import pathlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _


def validate_upload(upload) -> None:
    """Refuse files that are too large or of a type the portal does not keep."""
    ext = pathlib.Path(upload.name).suffix.lower().lstrip(".")
    allowed = settings.UPLOAD_ALLOWED_EXTENSIONS
    if ext not in allowed:
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
