"""Uploads: real pictures accepted and re-encoded without metadata; anything else refused."""

from __future__ import annotations

import io
import os

import pytest
from PIL import Image
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from storefront import UploadError, db, save_uploads
from storefront.models import Upload
from storefront.uploads import upload_dir

GPS_IFD = 0x8825
ORIENTATION = 0x0112
PILLOWS_DEFAULT_LIMIT = 1024 * 1024 * 1024 // 4 // 3  # Image.MAX_IMAGE_PIXELS as shipped


@pytest.fixture
def storefront_plugins():
    return []


@pytest.fixture
def storefront_config():
    return {"UPLOAD_MAX_BYTES": 1024 * 1024, "UPLOAD_MAX_FILES": 3}


def picture(fmt: str, size=(64, 48), colour=(200, 120, 40), **save) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format=fmt, **save)
    return out.getvalue()


def jpeg_with_gps(size=(64, 48), orientation: int | None = None) -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0131] = "CameraApp 1.0"  # Software
    if orientation:
        exif[ORIENTATION] = orientation
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (31.0, 14.0, 0.0), 3: "E", 4: (121.0, 28.0, 0.0)})
    return picture("JPEG", size, exif=exif.tobytes())


def upload(data: bytes, name: str) -> FileStorage:
    return FileStorage(stream=io.BytesIO(data), filename=name, content_type="image/jpeg")


def stored(upload_row: Upload) -> bytes:
    return (upload_dir() / upload_row.token).read_bytes()


def stored_files() -> list[str]:
    return sorted(os.listdir(upload_dir()))


def rows() -> int:
    return db.session.scalar(select(func.count(Upload.id)))


@pytest.fixture
def ctx(app, shop):
    with app.test_request_context("/"):
        yield shop


@pytest.mark.parametrize(
    "fmt, name, content_type, ext",
    [
        ("PNG", "photo.png", "image/png", "png"),
        ("JPEG", "photo.jpg", "image/jpeg", "jpg"),
        ("WEBP", "photo.webp", "image/webp", "webp"),
        ("PNG", "photo.jpg", "image/png", "png"),  # the bytes decide, not the name
    ],
)
def test_real_pictures_are_accepted_and_stored_under_random_names(
    ctx, fmt, name, content_type, ext
):
    [row] = save_uploads([upload(picture(fmt), name)], ctx.alpha, ctx.alice, "return", False)
    db.session.commit()

    assert (row.content_type, row.width, row.height) == (content_type, 64, 48)
    assert row.token.endswith(f".{ext}") and "photo" not in row.token and len(row.token) > 20
    assert row.merchant_id == ctx.alpha.id and row.owner_id == ctx.alice.id
    with Image.open(io.BytesIO(stored(row))) as image:
        assert image.format == fmt and image.size == (64, 48)
    assert row.size == len(stored(row))


def test_exif_and_gps_are_removed(ctx):
    original = jpeg_with_gps()
    with Image.open(io.BytesIO(original)) as image:
        assert image.getexif().get_ifd(GPS_IFD)  # the test picture really has GPS

    [row] = save_uploads([upload(original, "holiday.jpg")], ctx.alpha, ctx.alice, "review", True)
    data = stored(row)

    with Image.open(io.BytesIO(data)) as image:
        exif = image.getexif()
        assert not exif.get_ifd(GPS_IFD)
        assert len(exif) == 0
        assert "exif" not in image.info
    assert b"Exif" not in data
    assert b"PhoneMaker" not in data and b"CameraApp" not in data


def test_png_text_chunks_are_removed(ctx):
    from PIL import PngImagePlugin

    meta = PngImagePlugin.PngInfo()
    meta.add_text("Comment", "secret location")
    data = picture("PNG", pnginfo=meta)
    assert b"secret location" in data
    [row] = save_uploads([upload(data, "a.png")], ctx.alpha, None, "product", True)
    assert b"secret location" not in stored(row)


def test_orientation_is_applied_before_the_exif_goes(ctx):
    rotated = jpeg_with_gps(size=(80, 40), orientation=6)  # 90 degrees: shown 40 x 80
    [row] = save_uploads([upload(rotated, "r.jpg")], ctx.alpha, None, "review", True)
    assert (row.width, row.height) == (40, 80)


def test_big_pictures_are_scaled_down(ctx):
    [row] = save_uploads(
        [upload(picture("PNG", (3000, 1500)), "big.png")], ctx.alpha, None, "x", True
    )
    assert (row.width, row.height) == (2400, 1200)


@pytest.mark.parametrize(
    "data, name, message",
    [
        (b"just some text, honest\n" * 10, "notes.jpg", "notes.jpg is not a picture we can read."),
        (
            b"<svg xmlns='http://www.w3.org/2000/svg'/>",
            "x.png",
            "x.png is not a picture we can read.",
        ),
        (b"", "empty.png", "empty.png is empty."),
    ],
)
def test_files_that_are_not_pictures_are_refused(ctx, data, name, message):
    with pytest.raises(UploadError) as error:
        save_uploads([upload(data, name)], ctx.alpha, ctx.alice, "return", False)
    assert str(error.value) == message
    assert rows() == 0 and stored_files() == []


def test_other_picture_formats_are_refused(ctx):
    with pytest.raises(UploadError, match="is not a JPEG, PNG or WebP picture"):
        save_uploads([upload(picture("GIF"), "anim.gif")], ctx.alpha, None, "return", False)


def test_a_truncated_picture_is_refused(ctx):
    data = picture("JPEG", (400, 400))[:600]
    with pytest.raises(UploadError, match="is not a picture we can read"):
        save_uploads([upload(data, "cut.jpg")], ctx.alpha, None, "return", False)


def test_a_too_large_file_is_refused(ctx):
    noise = Image.frombytes("RGB", (700, 700), os.urandom(700 * 700 * 3))
    out = io.BytesIO()
    noise.save(out, format="PNG")
    assert len(out.getvalue()) > 1024 * 1024
    with pytest.raises(UploadError, match="noise.png is larger than 1 MB"):
        save_uploads([upload(out.getvalue(), "noise.png")], ctx.alpha, None, "return", False)
    assert rows() == 0 and stored_files() == []


def test_too_many_files_are_refused(ctx):
    files = [upload(picture("PNG"), f"{n}.png") for n in range(4)]
    with pytest.raises(UploadError, match="Please choose at most 3 pictures."):
        save_uploads(files, ctx.alpha, None, "return", False)
    assert rows() == 0 and stored_files() == []


def test_a_decompression_bomb_is_refused(app, ctx):
    app.config["UPLOAD_MAX_PIXELS"] = 2_000_000
    bomb = picture("PNG", (1500, 1500))
    files = [upload(picture("PNG"), "fine.png"), upload(bomb, "bomb.png")]
    with pytest.raises(UploadError) as error:
        save_uploads(files, ctx.alpha, None, "return", False)
    assert str(error.value) == "bomb.png is 1500 × 1500 pixels; the most we take is 2 megapixels."
    assert rows() == 0 and stored_files() == []


def test_pillows_process_wide_limit_is_not_touched(app, ctx):
    app.config["UPLOAD_MAX_PIXELS"] = 2_000_000
    save_uploads([upload(picture("PNG"), "a.png")], ctx.alpha, None, "return", False)
    assert Image.MAX_IMAGE_PIXELS == PILLOWS_DEFAULT_LIMIT


def test_the_request_total_counts_every_file(app, ctx):
    app.config["UPLOAD_MAX_REQUEST_PIXELS"] = 5_000
    files = [upload(picture("PNG"), f"{n}.png") for n in range(2)]  # 2 x 3072 pixels
    with pytest.raises(UploadError, match="Together these pictures are 0.1 megapixels"):
        save_uploads(files, ctx.alpha, None, "return", False)
    assert rows() == 0 and stored_files() == []


def test_one_bad_file_means_nothing_is_written(ctx):
    files = [
        upload(picture("PNG"), "good.png"),
        upload(picture("JPEG"), "good.jpg"),
        upload(b"not a picture", "bad.jpg"),
    ]
    with pytest.raises(UploadError, match="bad.jpg"):
        save_uploads(files, ctx.alpha, ctx.alice, "return", False)
    db.session.commit()
    assert rows() == 0
    assert stored_files() == []


def test_empty_file_fields_are_ignored(ctx):
    files = [FileStorage(stream=io.BytesIO(b""), filename=""), upload(picture("PNG"), "a.png")]
    assert len(save_uploads(files, ctx.alpha, None, "return", False)) == 1


# -- serving ------------------------------------------------------------------------


@pytest.fixture
def private_and_public(app, shop):
    with app.test_request_context("/"):
        [private] = save_uploads(
            [upload(picture("PNG"), "p.png")], shop.alpha, shop.alice, "return", public=False
        )
        [public] = save_uploads(
            [upload(picture("JPEG"), "q.jpg")], shop.alpha, shop.alice, "review", public=True
        )
        db.session.commit()
    return f"/uploads/{private.token}", f"/uploads/{public.token}"


def test_public_uploads_are_served_to_everyone_with_nosniff(shop, client, private_and_public):
    _, public = private_and_public
    response = client.get(public)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "image/jpeg"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]
    assert Image.open(io.BytesIO(response.data)).format == "JPEG"


def test_private_uploads_only_for_their_owner_and_the_shops_staff(
    shop, client, client_for, private_and_public
):
    private, _ = private_and_public
    assert client.get(private).status_code == 404
    assert client_for(shop.bob).get(private).status_code == 404
    assert client_for(shop.beta_owner).get(private).status_code == 404

    for allowed in (shop.alice, shop.alpha_owner, shop.alpha_agent):
        response = client_for(allowed).get(private)
        assert response.status_code == 200, allowed.email
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Content-Type"] == "image/png"
        assert "no-store" in response.headers["Cache-Control"]
