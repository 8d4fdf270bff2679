"""Files that only some users may read: evidence and imported sheets live in the "private" storage."""

import zipfile
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage, storages
from django.utils.translation import gettext_lazy as _

# What an evidence file may be: each extension with the first bytes its content must start with, and for office
# documents (zip archives) the member that marks the kind, so that a name cannot pass off one type as another.
EVIDENCE_TYPES = {
    ".pdf": (b"%PDF-", None),
    ".png": (b"\x89PNG\r\n\x1a\n", None),
    ".jpg": (b"\xff\xd8\xff", None),
    ".jpeg": (b"\xff\xd8\xff", None),
    ".docx": (b"PK\x03\x04", "word/document.xml"),
    ".xlsx": (b"PK\x03\x04", "xl/workbook.xml"),
    ".odt": (b"PK\x03\x04", "application/vnd.oasis.opendocument.text"),
    ".ods": (b"PK\x03\x04", "application/vnd.oasis.opendocument.spreadsheet"),
}


class PrivateStorage(FileSystemStorage):
    """Files with no address of their own: they are read only through views that check permissions."""

    def url(self, name):
        raise ValueError("Private files have no public URL; serve them through a view that checks permissions.")


def private_storage():
    return storages["private"]


def _office_kind_matches(upload, marker):
    """Whether the zip archive holds the member (OOXML) or the mimetype (OpenDocument) of its extension."""
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
            if marker.startswith("application/"):
                return "mimetype" in names and archive.read("mimetype").strip() == marker.encode()
            return marker in names
    except (zipfile.BadZipFile, OSError, EOFError, KeyError):
        return False
    finally:
        upload.seek(0)


def validate_evidence(upload):
    """Refuse an evidence file that is too big, or whose content is not the document or image its name says."""
    if upload.size > settings.EVIDENCE_MAX_BYTES:
        raise ValidationError(_("The evidence file is larger than %(limit)s MB.")
                              % {"limit": f"{settings.EVIDENCE_MAX_BYTES / 1024 / 1024:g}"})
    extension = PurePath(upload.name.lower()).suffix
    signature, marker = EVIDENCE_TYPES.get(extension, (None, None))
    head = upload.read(16)
    upload.seek(0)
    if (signature is None or not head.startswith(signature)
            or (marker and not _office_kind_matches(upload, marker))):
        raise ValidationError(_("Evidence must be a PDF, an image (PNG, JPEG) or an office document (DOCX, XLSX, "
                                "ODT, ODS), and its content must be of the type its name says."))
