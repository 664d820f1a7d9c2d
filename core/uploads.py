"""Image uploads for plugins (return photos, review photos) and product pictures.

The type is sniffed from the bytes (never the name or the browser's word), the picture is
re-encoded by Pillow so nothing but pixels survives (EXIF and GPS go), stored under a
random name, and served only to those allowed to see it, with `nosniff`.

Decoding is the expensive part (a 205 KB PNG can claim 8500 × 8500 pixels, 290 MB once
decoded), so every file's dimensions are read from its header first and checked against
`UPLOAD_MAX_PIXELS`, `UPLOAD_MAX_SIDE` and, for all the files of one request together,
`UPLOAD_MAX_REQUEST_PIXELS`; only then is anything decoded, one file at a time, JPEGs at
reduced size (`draft`) when they are much larger than the stored copy, and only the first
frame of an animated or multi-picture file.
"""

from __future__ import annotations

import io
import math
import secrets
import struct
from dataclasses import dataclass
from pathlib import Path

from flask import Blueprint, abort, current_app, send_file
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from PIL import Image, ImageFile, ImageOps, JpegImagePlugin, PngImagePlugin, WebPImagePlugin
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from .extensions import db
from .models import Merchant, Upload, User

ALLOWED = {
    "JPEG": ("image/jpeg", "jpg"),
    "PNG": ("image/png", "png"),
    "WEBP": ("image/webp", "webp"),
}
MAX_SIDE = 2400
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# Pillow inflates these when it opens a PNG (up to 1 MB each, 64 MB per file: a 74 KB file
# cost half a second), and the clean copy drops them anyway.
PNG_TEXT_CHUNKS = frozenset({b"tEXt", b"zTXt", b"iTXt"})
# Pictures we recognise only to say which formats we take (GIF, BMP, TIFF, JPEG XL).
OTHER_PICTURES = (b"GIF87a", b"GIF89a", b"BM", b"II*\x00", b"MM\x00*", b"\xff\x0a")
OTHER_BOXES = (b"ftyp", b"JXL ")  # HEIC, AVIF, JPEG XL containers: the box type at 4..8

uploads_bp = Blueprint("uploads", __name__)


class UploadError(ValueError):
    """The file is not an acceptable picture; the message says why."""


@dataclass(frozen=True)
class Picture:
    """A file whose header has been read and passed the checks; nothing decoded yet."""

    name: str
    data: bytes
    fmt: str  # JPEG, PNG or WEBP: what the bytes are, and what the clean copy will be
    width: int
    height: int
    decoded_pixels: int  # what decoding will produce: less than width × height for a big JPEG


def upload_dir() -> Path:
    path = Path(current_app.instance_path) / "uploads"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _read_limited(file: FileStorage, limit: int) -> bytes:
    data = file.stream.read(limit + 1)
    if len(data) > limit:
        raise UploadError(
            _l(
                "%(name)s is larger than %(mb)d MB.",
                name=file.filename or "file",
                mb=limit // 2**20,
            )
        )
    if not data:
        raise UploadError(_l("%(name)s is empty.", name=file.filename or "file"))
    return data


def _megapixels(pixels: int, up: bool = False) -> str:
    """40 000 000 -> "40"; totals round up and limits down, so 120.04 MP is over 120."""
    tenths = pixels / 100_000
    tenths = math.ceil(tenths) if up else math.floor(tenths)
    return f"{tenths / 10:g}"


def _max_pixels() -> int:
    """The per-picture limit; never above Pillow's own, where it would only warn."""
    limit = current_app.config["UPLOAD_MAX_PIXELS"]
    if Image.MAX_IMAGE_PIXELS is not None:
        limit = min(limit, Image.MAX_IMAGE_PIXELS)
    return limit


def _sniff(data: bytes) -> str | None:
    if data.startswith(PNG_SIGNATURE):
        return "PNG"
    if data.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP" and WebPImagePlugin.SUPPORTED:
        return "WEBP"
    return None


def _without_png_text(data: bytes) -> bytes:
    """The PNG without its text chunks (and any second colour profile), read chunk by chunk.

    A damaged chunk list is left as it is from there on, for Pillow to refuse.
    """
    kept: list[tuple[int, int]] = []
    pos, dropped, profiles = len(PNG_SIGNATURE), False, 0
    while pos + 8 <= len(data):
        length, kind = struct.unpack_from(">I4s", data, pos)
        end = pos + 12 + length
        if end > len(data):
            break
        profiles += kind == b"iCCP"
        if kind in PNG_TEXT_CHUNKS or (kind == b"iCCP" and profiles > 1):
            dropped = True
        elif kept and kept[-1][1] == pos:
            kept[-1] = (kept[-1][0], end)
        else:
            kept.append((pos, end))
        pos = end
        if kind == b"IEND":
            break
    if not dropped:
        return data
    return b"".join([data[: len(PNG_SIGNATURE)], *(data[a:b] for a, b in kept), data[pos:]])


def _open(data: bytes, fmt: str) -> ImageFile.ImageFile:
    """Open lazily, header only, with the plugin for the sniffed type and no other.

    `Image.open` would also run Pillow's bomb check against the process-wide
    `Image.MAX_IMAGE_PIXELS` and raise without the dimensions; the checks here are ours.
    A multi-picture JPEG (MPO, gain maps) opens as its first, main picture.
    """
    fp = io.BytesIO(data)
    if fmt == "PNG":
        return PngImagePlugin.PngImageFile(fp)
    if fmt == "JPEG":
        return JpegImagePlugin.JpegImageFile(fp)
    return WebPImagePlugin.WebPImageFile(fp)


def _draft(image: ImageFile.ImageFile, fmt: str) -> None:
    """Let libjpeg decode a big JPEG at 1/2, 1/4 or 1/8, still at least the stored size.

    Pillow picks the largest scale that keeps both sides at or above the box it is given,
    so the box is the stored copy's own shape, not MAX_SIDE square.
    """
    if fmt != "JPEG" or max(image.size) <= MAX_SIDE:
        return
    ratio = MAX_SIDE / max(image.size)
    image.draft(None, (math.ceil(image.width * ratio), math.ceil(image.height * ratio)))


def _unreadable(filename: str) -> UploadError:
    return UploadError(_l("%(name)s is not a picture we can read.", name=filename))


def inspect(data: bytes, filename: str = "file") -> Picture:
    """Read the type and dimensions from the header and check them, decoding nothing."""
    fmt = _sniff(data)
    if fmt is None:
        if data.startswith(OTHER_PICTURES) or data[4:8] in OTHER_BOXES:
            raise UploadError(_l("%(name)s is not a JPEG, PNG or WebP picture.", name=filename))
        raise _unreadable(filename)
    if fmt == "PNG":
        data = _without_png_text(data)
    try:
        with _open(data, fmt) as image:
            width, height = image.size
            if width < 1 or height < 1:
                raise _unreadable(filename)
            max_pixels, max_side = _max_pixels(), current_app.config["UPLOAD_MAX_SIDE"]
            if width * height > max_pixels:
                raise UploadError(
                    _l(
                        "%(name)s is %(width)d × %(height)d pixels; "
                        "the most we take is %(mp)s megapixels.",
                        name=filename,
                        width=width,
                        height=height,
                        mp=_megapixels(max_pixels),
                    )
                )
            if max(width, height) > max_side:
                raise UploadError(
                    _l(
                        "%(name)s is %(width)d × %(height)d pixels; "
                        "the most we take is %(side)d pixels on a side.",
                        name=filename,
                        width=width,
                        height=height,
                        side=max_side,
                    )
                )
            _draft(image, fmt)  # sets the JPEG decoder's scale from the header, no decoding
            decoded = image.width * image.height
    except UploadError:
        raise
    except (OSError, SyntaxError, ValueError, EOFError, Image.DecompressionBombError) as exc:
        raise _unreadable(filename) from exc
    return Picture(filename, data, fmt, width, height, decoded)


def check_request_pixels(pictures: list[Picture]) -> None:
    """All the pictures of one request together: the decoding they will cost, from headers."""
    budget = current_app.config["UPLOAD_MAX_REQUEST_PIXELS"]
    total = sum(p.decoded_pixels for p in pictures)
    if total > budget:
        raise UploadError(
            _l(
                "Together these pictures are %(total)s megapixels; the most we take at once "
                "is %(mp)s megapixels. Please send fewer or smaller pictures.",
                total=_megapixels(total, up=True),
                mp=_megapixels(budget),
            )
        )


def _clean_copy(picture: Picture) -> tuple[bytes, str, int, int]:
    """Decode (first frame, JPEG at draft scale), shrink, orient, and save without metadata."""
    fmt = picture.fmt
    try:
        with _open(picture.data, fmt) as probe:
            probe.verify()
        with _open(picture.data, fmt) as opened:
            _draft(opened, fmt)
            # Shrink first, in place: the full-size decode is the only large buffer, and
            # turning the small copy is the same as shrinking a turned one (the box is square).
            opened.thumbnail((MAX_SIDE, MAX_SIDE))
            image = ImageOps.exif_transpose(opened)  # a new single-frame image
            if fmt == "JPEG" and image.mode not in ("RGB", "L"):
                image = image.convert("RGB")
            out = io.BytesIO()
            # A fresh save without `exif=` writes no metadata at all, and only this frame.
            image.save(out, format=fmt, quality=85) if fmt != "PNG" else image.save(out, format=fmt)
            return out.getvalue(), fmt, image.width, image.height
    except (OSError, SyntaxError, ValueError, EOFError, Image.DecompressionBombError) as exc:
        raise _unreadable(picture.name) from exc


def reencode(data: bytes, filename: str = "file") -> tuple[bytes, str, int, int]:
    """Return (bytes, Pillow format, width, height) of a clean copy of the picture."""
    picture = inspect(data, filename)
    check_request_pixels([picture])
    return _clean_copy(picture)


def _store(
    cleaned: tuple[bytes, str, int, int],
    merchant: Merchant | None,
    owner: User | None,
    purpose: str,
    public: bool,
) -> Upload:
    clean, fmt, width, height = cleaned
    content_type, ext = ALLOWED[fmt]
    token = f"{secrets.token_urlsafe(18)}.{ext}"
    (upload_dir() / token).write_bytes(clean)
    upload = Upload(
        token=token,
        merchant_id=merchant.id if merchant else None,
        owner_id=owner.id if owner else None,
        purpose=purpose,
        public=public,
        content_type=content_type,
        size=len(clean),
        width=width,
        height=height,
    )
    db.session.add(upload)
    return upload


def save_bytes(
    data: bytes,
    merchant: Merchant | None,
    owner: User | None,
    purpose: str,
    public: bool,
    filename: str = "file",
) -> Upload:
    """Store one picture given as bytes (demo data, imports)."""
    return _store(reencode(data, filename), merchant, owner, purpose, public)


def save_uploads(
    files: list[FileStorage],
    merchant: Merchant | None,
    owner: User | None,
    purpose: str,
    public: bool,
    max_files: int | None = None,
) -> list[Upload]:
    """Check and store several pictures: all of them or, on any error, none."""
    files = [f for f in files if f and f.filename]
    limit = max_files or current_app.config["UPLOAD_MAX_FILES"]
    if len(files) > limit:
        raise UploadError(_l("Please choose at most %(n)d pictures.", n=limit))
    max_bytes = current_app.config["UPLOAD_MAX_BYTES"]
    payloads = [(_read_limited(f, max_bytes), f.filename or "file") for f in files]
    # Every header is checked, and the request's total, before the first file is decoded.
    pictures = [inspect(data, name) for data, name in payloads]
    check_request_pixels(pictures)
    cleaned = [_clean_copy(p) for p in pictures]
    return [_store(c, merchant, owner, purpose, public) for c in cleaned]


def may_view(upload: Upload) -> bool:
    if upload.public:
        return True
    if not current_user.is_authenticated:
        return False
    if upload.owner_id == current_user.id:
        return True
    return upload.merchant_id is not None and current_user.role_in(upload.merchant_id) is not None


@uploads_bp.route("/uploads/<token>")
def serve(token: str):
    upload = db.session.scalar(select(Upload).where(Upload.token == token))
    if upload is None or not may_view(upload):
        abort(404)
    path = upload_dir() / upload.token
    if not path.exists():
        abort(404)
    response = send_file(path, mimetype=upload.content_type, max_age=86400 if upload.public else 0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'"
    if not upload.public:
        response.headers["Cache-Control"] = "private, no-store"
    return response
