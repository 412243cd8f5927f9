"""Attachments (issue 16): what a file is, judged by its bytes and never by its name; the
limits stated up front; and what a photo says about itself (when it was taken, whether it
carries a location), read from its EXIF without decoding the picture. No I/O here.
"""

from __future__ import annotations

import contextlib
import enum
import io
import re
from dataclasses import dataclass
from datetime import datetime

CHUNK_BYTES = 1024 * 1024
MEGABYTE = 1024 * 1024


class AttachmentKind(enum.StrEnum):
    JPEG = "jpeg"
    PNG = "png"
    HEIC = "heic"
    PDF = "pdf"
    TEXT = "text"
    EMAIL = "eml"


KINDS = tuple(k.value for k in AttachmentKind)
IMAGES = frozenset({AttachmentKind.JPEG, AttachmentKind.PNG, AttachmentKind.HEIC})
ACCEPTED = ("a photo or image (JPEG, PNG or HEIC), a PDF, a plain text file (UTF-8) or an "
            "e-mail saved as .eml")
_HEIF_BRANDS = frozenset({b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx"})
_EMAIL_HEADERS = ("date", "subject", "to", "message-id", "received")
_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f]")  # tab, newlines and form feed allowed


@dataclass(frozen=True)
class Limits:
    """The most one file, and all of one concern's files, may hold (policy may change
    them); a larger file is refused before anything is written."""

    file_bytes: int = 25 * MEGABYTE
    concern_bytes: int = 100 * MEGABYTE


@dataclass(frozen=True)
class PhotoFacts:
    #: as the camera's clock said it (EXIF keeps no time zone), or None
    taken_at: datetime | None = None
    has_location: bool = False


@dataclass(frozen=True)
class Attachment:
    id: int
    concern_id: int | None
    child_id: int | None
    file_name: str
    kind: AttachmentKind
    size: int
    sha256: str
    added_by: int
    added_at: datetime
    photo: PhotoFacts
    #: a file brought with an addendum to a submitted concern (concern_id is set too)
    addendum_id: int | None = None


def megabytes(size: int) -> str:
    return f"{size / MEGABYTE:.1f} MB"


def file_size(size: int) -> str:
    """Megabytes for a photo, kilobytes for a small file (never "0.0 MB")."""
    return megabytes(size) if size >= 100 * 1024 else f"{max(size // 1024, 1)} KB"


def sniff_kind(data: bytes) -> AttachmentKind | None:
    """The kind the bytes are, or None for a kind not accepted."""
    if data.startswith(b"\xff\xd8\xff"):
        return AttachmentKind.JPEG
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return AttachmentKind.PNG
    if data[4:8] == b"ftyp" and _is_heic(data):
        return AttachmentKind.HEIC
    if b"%PDF-" in data[:1024]:  # readers allow the header anywhere in the first 1 KiB
        return AttachmentKind.PDF
    if _is_email(data):
        return AttachmentKind.EMAIL
    if _is_text(data):
        return AttachmentKind.TEXT
    return None


def _is_heic(data: bytes) -> bool:
    """An ISO box 'ftyp' whose major or compatible brands are HEIF with HEVC pictures."""
    box = int.from_bytes(data[:4], "big")
    if not 16 <= box <= min(len(data), 4096):
        return False
    brands = [data[8:12]] + [data[i:i + 4] for i in range(16, box, 4)]
    return any(b in _HEIF_BRANDS for b in brands)


def _is_email(data: bytes) -> bool:
    """An RFC 5322 message: a header block with From and one of the usual others."""
    head = data[:64 * 1024]
    if b":" not in head.split(b"\n", 1)[0]:
        return False
    from email import policy  # when a file is attached: not needed to open the vault
    from email.parser import BytesHeaderParser

    message = BytesHeaderParser(policy=policy.compat32).parsebytes(head)
    names = {k.lower() for k in message}
    return "from" in names and any(n in names for n in _EMAIL_HEADERS)


def _is_text(data: bytes) -> bool:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    return _CONTROL.search(text) is None


_EXIF_IFD, _GPS_IFD = 0x8769, 0x8825
_ORIENTATION = 0x0112
_DATE_TIME_ORIGINAL, _DATE_TIME = 36867, 306
_GPS_LATITUDE = 2


def photo_facts(data: bytes, kind: AttachmentKind) -> PhotoFacts:
    """Time taken and location from a JPEG's or PNG's EXIF; nothing for other kinds, or
    when the EXIF is missing or unreadable (the file is kept as it is either way)."""
    if kind not in (AttachmentKind.JPEG, AttachmentKind.PNG):
        return PhotoFacts()
    from PIL import Image  # only when a photo is added: not needed to start the app

    try:
        with Image.open(io.BytesIO(data)) as image:  # reads the headers, not the pixels
            exif = image.getexif()
            when = exif.get_ifd(_EXIF_IFD).get(_DATE_TIME_ORIGINAL) or exif.get(_DATE_TIME)
            gps = exif.get_ifd(_GPS_IFD)
    except Exception:  # Pillow raises many kinds for damaged files: the photo has no facts
        return PhotoFacts()
    return PhotoFacts(_exif_time(when), bool(gps.get(_GPS_LATITUDE)))


def photo_turn(data: bytes) -> int:
    """How many degrees clockwise a JPEG or PNG is turned to stand as its EXIF
    orientation says (0, 90, 180 or 270; 0 when it says nothing, or only a mirroring)."""
    from PIL import Image  # only when a photo is printed

    try:
        with Image.open(io.BytesIO(data)) as image:  # the headers, not the pixels
            orientation = image.getexif().get(_ORIENTATION, 1)
    except Exception:  # Pillow raises many kinds for damaged files: drawn as stored
        return 0
    return {3: 180, 6: 90, 8: 270}.get(orientation, 0)


def _exif_time(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    with contextlib.suppress(ValueError):
        return datetime.strptime(value.strip("\x00 "), "%Y:%m:%d %H:%M:%S")
    return None


_SHOWN_HEADERS = ("From", "To", "Cc", "Date", "Subject")


@dataclass(frozen=True)
class EmailParts:
    """An e-mail as read: its main headers (name, value), its plain-text body (a note in
    brackets when there is none to show) and the names of the files it carries."""

    headers: tuple[tuple[str, str], ...]
    body: str
    files: tuple[str, ...]

    @property
    def carried(self) -> str:
        """The files it carries, in words ("" for none)."""
        return ("Files carried by the e-mail (not opened here): " + ", ".join(self.files)
                if self.files else "")


def email_parts(data: bytes) -> EmailParts:
    """An e-mail's headers and plain-text body, each in its charset. HTML is never
    rendered (nothing remote is fetched): a message with only an HTML body says so, and
    the files it carries are named, not opened."""
    from email import policy  # when an e-mail is opened: not needed to start the app
    from email.message import EmailMessage
    from email.parser import BytesParser

    message = BytesParser(policy=policy.default).parsebytes(data)
    headers = []
    for name in _SHOWN_HEADERS:
        with contextlib.suppress(Exception):  # a malformed header is shown as missing
            value = message.get(name)
            if value:
                headers.append((name, _CONTROL.sub("", str(value))))
    found = message.get_body(preferencelist=("plain",)) if isinstance(
        message, EmailMessage) else None
    if found is not None:
        try:
            body = str(found.get_content()).strip()
        except (LookupError, UnicodeError):  # an unknown charset: the raw text, mended
            raw = found.get_payload(decode=True)
            body = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else ""
    elif message.get_body(preferencelist=("html",)) is not None:
        body = ("[This e-mail has only a formatted (HTML) body, which is not shown here so "
                "that nothing in it is fetched. Save a copy to read it.]")
    else:
        body = "[This e-mail has no text body.]"
    files = tuple(_CONTROL.sub("", part.get_filename() or "unnamed file")
                  for part in message.iter_attachments())
    return EmailParts(tuple(headers), _CONTROL.sub("", body), files)


def email_text(data: bytes) -> str:
    """An e-mail as text to read: its main headers, its plain-text body and the names of
    the files it carries (email_parts)."""
    parts = email_parts(data)
    lines = [f"{name}: {value}" for name, value in parts.headers]
    lines += ["", parts.body]
    if parts.carried:
        lines += ["", parts.carried]
    return "\n".join(lines)
