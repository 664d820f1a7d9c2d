"""Upload checks that read only a picture's header: dimensions, the request's total, PNG text.

The crafted files here claim a size in their header and carry data that does not decode
(or no data at all): a refusal that names the size proves the check ran before decoding.
"""

from __future__ import annotations

import io
import struct
import warnings
import zlib

import pytest
from flask import Flask
from flask_babel import Babel
from PIL import Image, PngImagePlugin

from storefront.config import DEFAULTS
from storefront.uploads import (
    UploadError,
    _clean_copy,
    _megapixels,
    check_request_pixels,
    inspect,
    reencode,
)

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_claiming(width: int, height: int, data: bytes = b"\x00garbage, not zlib" * 4) -> bytes:
    """A PNG whose header says width × height and whose pixel data is junk (valid CRCs)."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        PNG_SIGNATURE
        + png_chunk(b"IHDR", ihdr)
        + png_chunk(b"IDAT", data)
        + png_chunk(b"IEND", b"")
    )


def picture(fmt: str, size=(64, 48), mode="RGB", colour=(200, 120, 40), **save) -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, colour if mode == "RGB" else colour[0]).save(out, format=fmt, **save)
    return out.getvalue()


def jpeg_claiming(width: int, height: int) -> bytes:
    """A real 64 × 48 JPEG whose frame header is rewritten to say width × height."""
    data = bytearray(picture("JPEG"))
    sof = data.index(b"\xff\xc0")
    struct.pack_into(">HH", data, sof + 5, height, width)
    return bytes(data)


def webp_claiming(width: int, height: int) -> bytes:
    """A real lossless WebP whose VP8L header is rewritten to say width × height."""
    data = bytearray(picture("WEBP", lossless=True))
    assert data[12:16] == b"VP8L"
    (bits,) = struct.unpack_from("<I", data, 21)
    bits = (width - 1) | ((height - 1) << 14) | (bits & ~((1 << 28) - 1))
    struct.pack_into("<I", data, 21, bits)
    return bytes(data)


def text_bomb() -> bytes:
    """A 64 × 48 PNG with 70 zTXt chunks that inflate to 1 MB each (about 74 KB in all)."""
    small = picture("PNG")
    inflated = zlib.compress(b"a" * (PngImagePlugin.MAX_TEXT_CHUNK - 1), 9)
    chunks = b"".join(png_chunk(b"zTXt", b"k%d\x00\x00" % n + inflated) for n in range(70))
    return small[:33] + chunks + small[33:]  # after the signature and IHDR


@pytest.fixture
def app():
    application = Flask(__name__)
    application.config.update({k: v for k, v in DEFAULTS.items() if k.startswith("UPLOAD_")})
    Babel(application)
    with application.test_request_context("/"):
        yield application


def refusal(data: bytes, name: str = "photo.png") -> str:
    with pytest.raises(UploadError) as error:
        inspect(data, name)
    return str(error.value)


def test_the_header_is_read_before_any_decoding(app):
    bomb = png_claiming(8500, 8500)
    assert len(bomb) < 200
    assert refusal(bomb) == "photo.png is 8500 × 8500 pixels; the most we take is 40 megapixels."
    # Cut off in the middle of its data: still refused for its size, not as unreadable.
    assert refusal(bomb[:50]).startswith("photo.png is 8500 × 8500 pixels")


@pytest.mark.parametrize(
    "data, size",
    [
        (png_claiming(9000, 9000), "9000 × 9000"),
        (jpeg_claiming(60000, 60000), "60000 × 60000"),  # above Pillow's own error threshold
        (jpeg_claiming(8000, 5001), "8000 × 5001"),
        (webp_claiming(16000, 16000), "16000 × 16000"),
    ],
)
def test_every_format_is_refused_from_its_header(app, data, size):
    assert refusal(data, "x") == f"x is {size} pixels; the most we take is 40 megapixels."


def test_exactly_the_limit_passes_the_header_check(app):
    app.config["UPLOAD_MAX_PIXELS"] = 2_000_000
    assert inspect(png_claiming(2000, 1000)).decoded_pixels == 2_000_000
    assert refusal(png_claiming(2000, 1001)) == (
        "photo.png is 2000 × 1001 pixels; the most we take is 2 megapixels."
    )


def test_absurd_sides_are_refused_even_when_the_area_is_small(app):
    assert refusal(png_claiming(30000, 100)) == (
        "photo.png is 30000 × 100 pixels; the most we take is 20000 pixels on a side."
    )
    assert inspect(png_claiming(20000, 100)).width == 20000


def test_the_limit_never_goes_above_pillows_warning_threshold(app):
    """Where Pillow would only warn (DecompressionBombWarning) we refuse."""
    app.config["UPLOAD_MAX_PIXELS"] = 500_000_000
    app.config["UPLOAD_MAX_SIDE"] = 50_000
    over = Image.MAX_IMAGE_PIXELS + 1
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        message = refusal(png_claiming(over, 1))
    assert message.endswith(
        f"the most we take is {_megapixels(Image.MAX_IMAGE_PIXELS)} megapixels."
    )


def test_pillows_global_limit_is_left_alone(app):
    before = 1024 * 1024 * 1024 // 4 // 3  # Image.MAX_IMAGE_PIXELS as Pillow ships it
    app.config["UPLOAD_MAX_PIXELS"] = 1_000_000
    reencode(picture("PNG"), "a.png")
    with pytest.raises(UploadError):
        reencode(png_claiming(2000, 2000), "b.png")
    assert before == Image.MAX_IMAGE_PIXELS


def test_a_big_jpeg_is_counted_at_the_size_it_will_be_decoded(app):
    header = inspect(jpeg_claiming(6000, 6000), "big.jpg")
    assert (header.width, header.height) == (6000, 6000)
    assert header.decoded_pixels == 3000 * 3000  # draft: libjpeg decodes at 1/2
    assert inspect(jpeg_claiming(20000, 2000)).decoded_pixels == 2500 * 250  # 1/8
    assert inspect(jpeg_claiming(2400, 2400)).decoded_pixels == 2400 * 2400
    assert inspect(png_claiming(6000, 6000)).decoded_pixels == 36_000_000  # no draft for PNG


def test_the_request_total_is_checked_from_headers(app):
    headers = [inspect(png_claiming(5000, 5000), f"{n}.png") for n in range(6)]
    with pytest.raises(UploadError) as error:
        check_request_pixels(headers)
    assert str(error.value) == (
        "Together these pictures are 150 megapixels; the most we take at once is 120 "
        "megapixels. Please send fewer or smaller pictures."
    )
    check_request_pixels(headers[:4])  # 100 MP
    # The junk data would have been refused as unreadable, had it been decoded.
    with pytest.raises(UploadError, match="0.png is not a picture we can read"):
        _clean_copy(headers[0])


def test_totals_round_up_and_limits_down():
    assert _megapixels(40_000_000) == "40"
    assert _megapixels(120_040_000, up=True) == "120.1"
    assert _megapixels(Image.MAX_IMAGE_PIXELS) == "89.4"


def test_png_text_is_dropped_before_pillow_inflates_it(app):
    bomb = text_bomb()
    assert len(bomb) < 100_000
    header = inspect(bomb, "text.png")
    assert b"zTXt" in bomb and b"zTXt" not in header.data
    clean, fmt, width, height = _clean_copy(header)
    assert (fmt, width, height) == ("PNG", 64, 48)


def test_png_text_stripping_keeps_the_picture_and_one_colour_profile(app):
    meta = PngImagePlugin.PngInfo()
    meta.add_text("Comment", "where I live")
    meta.add_itxt("Title", "naïve", zip=True)
    data = picture("PNG", icc_profile=b"\x00" * 200, pnginfo=meta)
    data = data[:33] + png_chunk(b"iCCP", b"second\x00\x00" + zlib.compress(b"x")) + data[33:]
    header = inspect(data)
    assert b"where I live" not in header.data and header.data.count(b"iCCP") == 1
    with Image.open(io.BytesIO(header.data)) as image:
        image.verify()  # every chunk left intact, CRCs and all
    with Image.open(io.BytesIO(header.data)) as image:
        assert image.size == (64, 48) and image.getpixel((3, 3)) == (200, 120, 40)


def test_a_damaged_chunk_list_is_left_for_pillow_to_refuse(app):
    cut = picture("PNG")[:-20]  # IEND and the end of IDAT gone
    header = inspect(cut, "cut.png")  # the header alone is fine
    assert header.data == cut
    with pytest.raises(UploadError, match="cut.png is not a picture we can read"):
        _clean_copy(header)


@pytest.mark.parametrize(
    "data, message",
    [
        (b"GIF89a" + b"\x00" * 20, "f is not a JPEG, PNG or WebP picture."),
        (b"\x00\x00\x00\x18ftypheic" + b"\x00" * 20, "f is not a JPEG, PNG or WebP picture."),
        (b"BM" + b"\x00" * 40, "f is not a JPEG, PNG or WebP picture."),
        (b"hello there, a text file", "f is not a picture we can read."),
        (png_claiming(0, 10), "f is not a picture we can read."),
    ],
)
def test_other_files_are_named_for_what_they_are(app, data, message):
    assert refusal(data, "f") == message
