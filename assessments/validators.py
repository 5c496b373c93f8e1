"""CV uploads: documents only (PDF, Word, OpenDocument, plain text), at most CV_MAX_BYTES."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat

CV_MAX_BYTES = 5 * 1024 * 1024
CV_EXTENSIONS = {".pdf", ".doc", ".docx", ".odt", ".rtf", ".txt"}
# The first bytes each kind of document starts with; a renamed image or program is refused.
_MAGIC = {
    ".pdf": (b"%PDF-",),
    ".doc": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",),
    ".docx": (b"PK\x03\x04",),
    ".odt": (b"PK\x03\x04",),
    ".rtf": (b"{\\rtf",),
}


def validate_cv(upload) -> None:
    size = getattr(upload, "size", 0) or 0
    if size > CV_MAX_BYTES:
        raise ValidationError(
            f"The CV is {filesizeformat(size)}; the largest allowed is {filesizeformat(CV_MAX_BYTES)}.",
            code="cv_too_large",
        )
    extension = Path(upload.name or "").suffix.lower()
    if extension not in CV_EXTENSIONS:
        raise ValidationError(
            "A CV must be a document: PDF, Word (.doc, .docx), OpenDocument (.odt), RTF or plain text.",
            code="cv_not_document",
        )
    if not hasattr(upload, "read") or getattr(upload, "_committed", False):
        return  # a file already stored: checked when it was uploaded
    head = upload.read(2048)  # the magic bytes, and enough of a .txt to see it is not binary
    upload.seek(0)
    if extension == ".txt":
        if b"\x00" in head:
            raise ValidationError("This .txt file is not plain text.", code="cv_not_document")
        return
    if not any(head.startswith(magic) for magic in _MAGIC[extension]):
        raise ValidationError(
            f"This file is named {extension} but its content is not a {extension[1:].upper()} document.",
            code="cv_not_document",
        )
