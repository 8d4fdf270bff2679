"""Files that only some users may read: evidence and imported sheets live in the "private" storage."""

from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage, storages
from django.utils.translation import gettext_lazy as _

EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
# What an evidence file may be, recognised by its first bytes rather than by its name.
EVIDENCE_SIGNATURES = {
    b"%PDF-": "PDF",
    b"\x89PNG\r\n\x1a\n": "PNG",
    b"\xff\xd8\xff": "JPEG",
    b"PK\x03\x04": "DOCX/XLSX/ODT/ODS",
}
EVIDENCE_EXTENSIONS = {".pdf", ".png", ".jpg", ".jpeg", ".docx", ".xlsx", ".odt", ".ods"}


class PrivateStorage(FileSystemStorage):
    """Files with no address of their own: they are read only through views that check permissions."""

    def url(self, name):
        raise ValueError("Private files have no public URL; serve them through a view that checks permissions.")


def private_storage():
    return storages["private"]


def validate_evidence(upload):
    """Refuse an evidence file that is too big or is not one of the document and image types accepted."""
    name = upload.name.lower()
    if upload.size > EVIDENCE_MAX_BYTES:
        raise ValidationError(_("The evidence file is larger than 10 MB."))
    head = upload.read(16)
    upload.seek(0)
    if not any(name.endswith(extension) for extension in EVIDENCE_EXTENSIONS) or not any(
        head.startswith(signature) for signature in EVIDENCE_SIGNATURES
    ):
        raise ValidationError(_("Evidence must be a PDF, an image (PNG, JPEG) or an office document (DOCX, XLSX, "
                                "ODT, ODS)."))
