"""Image uploads for plugins (return photos, review photos) and product pictures.

The type is sniffed from the bytes (never the name or the browser's word), the picture is
re-encoded by Pillow so nothing but pixels survives (EXIF and GPS go), stored under a
random name, and served only to those allowed to see it, with `nosniff`.
"""

from __future__ import annotations

import io
import secrets
from pathlib import Path

from flask import Blueprint, abort, current_app, send_file
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from PIL import Image, ImageOps, UnidentifiedImageError
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

uploads_bp = Blueprint("uploads", __name__)


class UploadError(ValueError):
    """The file is not an acceptable picture; the message says why."""


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


def reencode(data: bytes, filename: str = "file") -> tuple[bytes, str, int, int]:
    """Return (bytes, Pillow format, width, height) of a clean copy of the picture."""
    Image.MAX_IMAGE_PIXELS = current_app.config["UPLOAD_MAX_PIXELS"]
    try:
        with Image.open(io.BytesIO(data)) as probe:
            fmt = probe.format
            probe.verify()
        if fmt not in ALLOWED:
            raise UploadError(_l("%(name)s is not a JPEG, PNG or WebP picture.", name=filename))
        with Image.open(io.BytesIO(data)) as image:
            image = ImageOps.exif_transpose(image)
            image.thumbnail((MAX_SIDE, MAX_SIDE))
            if fmt == "JPEG" and image.mode not in ("RGB", "L"):
                image = image.convert("RGB")
            out = io.BytesIO()
            # A fresh save without `exif=` writes no metadata at all.
            image.save(out, format=fmt, quality=85) if fmt != "PNG" else image.save(out, format=fmt)
            return out.getvalue(), fmt, image.width, image.height
    except UploadError:
        raise
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        Image.DecompressionBombError,
        ValueError,
    ) as exc:
        raise UploadError(_l("%(name)s is not a picture we can read.", name=filename)) from exc


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
    cleaned = [reencode(data, name) for data, name in payloads]
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
