"""Decompression bombs through the review and return forms: refused from the header, nothing kept.

An 8500 × 8500 PNG of one colour is about 230 KB and decodes to 290 MB; before these
checks it was accepted (Pillow only warns between its limit and twice it) and six of them
in one request took 20 s.
"""

from __future__ import annotations

import io
import os

import pytest
from flask_babel import force_locale
from PIL import Image
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from storefront import UploadError, db, save_uploads
from storefront.models import Upload
from storefront.plugins.returns.models import ReturnRequest
from storefront.plugins.reviews.models import Review
from storefront.uploads import upload_dir
from tests.unit.test_image_header import picture, png_claiming

BOMB_MESSAGE = "photo.png is 8500 × 8500 pixels; the most we take is 40 megapixels."
BUDGET_MESSAGE = (
    "Together these pictures are 150 megapixels; the most we take at once is 120 megapixels."
)


@pytest.fixture
def storefront_plugins():
    return ["reviews", "returns"]


@pytest.fixture(scope="module")
def bomb() -> bytes:
    """A real 8500 × 8500 PNG, as in the finding: small on the wire, 290 MB decoded."""
    data = picture("PNG", (8500, 8500))
    assert len(data) < 300_000
    return data


@pytest.fixture
def bought(shop, make):
    order = make.order(shop.alpha, shop.alice, shop.sneaker, status="completed")
    db.session.commit()
    return order


def review(client, order, photos):
    return client.post(
        f"/shop/alpha/reviews/write/{order.items[0].id}",
        data={"stars": "5", "title": "Great", "body": "Fits well.", "photos": photos},
        content_type="multipart/form-data",
    )


def ask_return(client, order, photos):
    item = order.items[0]
    return client.post(
        f"/shop/alpha/account/orders/{order.number}/return",
        data={f"qty-{item.id}": "1", "reason": "quality", "kind": "refund", "photos": photos},
        content_type="multipart/form-data",
        follow_redirects=True,
    )


def nothing_stored() -> bool:
    return db.session.scalar(select(func.count(Upload.id))) == 0 and os.listdir(upload_dir()) == []


def file(data: bytes, name: str) -> FileStorage:
    return FileStorage(stream=io.BytesIO(data), filename=name, content_type="image/png")


# -- through the forms ----------------------------------------------------------------


def test_the_bomb_is_refused_on_the_review_form(shop, bought, client_for, bomb):
    page = review(client_for(shop.alice), bought, [(io.BytesIO(bomb), "photo.png")])
    assert page.status_code == 200
    assert BOMB_MESSAGE in page.text
    assert db.session.scalar(select(func.count(Review.id))) == 0
    assert nothing_stored()


def test_the_bomb_is_refused_on_the_return_form_with_good_photos_beside_it(
    shop, bought, client_for, bomb
):
    photos = [(io.BytesIO(picture("PNG")), "seam.png"), (io.BytesIO(bomb), "photo.png")]
    page = ask_return(client_for(shop.alice), bought, photos)
    assert BOMB_MESSAGE in page.text
    assert db.session.scalar(select(func.count(ReturnRequest.id))) == 0
    assert nothing_stored()


def test_the_refusal_comes_from_the_header_not_from_decoding(shop, bought, client_for):
    """The file's data is junk and cut short: only a header check can name its size."""
    fake = png_claiming(8500, 8500)[:50]
    page = review(client_for(shop.alice), bought, [(io.BytesIO(fake), "photo.png")])
    assert BOMB_MESSAGE in page.text
    assert nothing_stored()


def test_six_photos_over_the_request_budget_are_refused_before_decoding(shop, bought, client_for):
    """Six 25 MP headers (each under the 40 MP limit) with junk data: 150 MP in all."""
    photos = [(io.BytesIO(png_claiming(5000, 5000)), f"{n}.png") for n in range(6)]
    page = ask_return(client_for(shop.alice), bought, photos)
    assert BUDGET_MESSAGE in page.text
    assert "not a picture we can read" not in page.text  # nothing was decoded
    assert db.session.scalar(select(func.count(ReturnRequest.id))) == 0
    assert nothing_stored()


def test_a_picture_of_exactly_the_limit_is_taken(shop, bought, client_for):
    at_limit = picture("JPEG", (8000, 5000), mode="L")  # 40 000 000 pixels
    page = review(client_for(shop.alice), bought, [(io.BytesIO(at_limit), "wide.jpg")])
    assert page.status_code == 302
    [upload] = db.session.scalars(select(Upload)).all()
    assert (upload.content_type, upload.width, upload.height) == ("image/jpeg", 2400, 1500)
    assert db.session.scalar(select(Review)).photo_count == 1


def test_one_row_over_the_limit_is_refused(shop, bought, client_for):
    over = picture("PNG", (8000, 5001), mode="L")
    page = review(client_for(shop.alice), bought, [(io.BytesIO(over), "tall.png")])
    assert "tall.png is 8000 × 5001 pixels; the most we take is 40 megapixels." in page.text
    assert nothing_stored()


def test_the_message_is_translated(shop, bought, client_for):
    alice = client_for(shop.alice)
    alice.post("/lang/zh_CN")
    page = review(alice, bought, [(io.BytesIO(png_claiming(8500, 8500)), "photo.png")])
    assert "photo.png 的尺寸为 8500 × 8500 像素，超过上限 40 百万像素。" in page.text
    assert nothing_stored()


# -- save_uploads itself --------------------------------------------------------------


@pytest.fixture
def ctx(app, shop):
    with app.test_request_context("/"):
        yield shop


def test_a_36_megapixel_photo_is_taken_and_scaled_down(ctx):
    photo = picture("JPEG", (6000, 6000), quality=90)
    [row] = save_uploads([file(photo, "big.jpg")], ctx.alpha, ctx.alice, "review", False)
    assert (row.content_type, row.width, row.height) == ("image/jpeg", 2400, 2400)
    with Image.open(upload_dir() / row.token) as stored:
        assert stored.format == "JPEG" and stored.size == (2400, 2400)
        assert stored.getpixel((1200, 1200)) == pytest.approx((200, 120, 40), abs=3)


def test_the_request_budget_holds_for_save_uploads(ctx):
    files = [file(png_claiming(5000, 5000), f"{n}.png") for n in range(6)]
    with pytest.raises(UploadError) as error:
        save_uploads(files, ctx.alpha, None, "return", False)
    assert str(error.value).startswith(BUDGET_MESSAGE)
    assert nothing_stored()


def test_every_new_message_has_its_chinese(ctx):
    refusals = {
        "a.png 的尺寸为 9000 × 9000 像素，超过上限 40 百万像素。": [png_claiming(9000, 9000)],
        "a.png 的尺寸为 30000 × 10 像素，每边最多 20000 像素。": [png_claiming(30000, 10)],
        "这些图片合计 150 百万像素，一次最多只能上传 120 百万像素。请减少图片数量或缩小图片。": [
            png_claiming(5000, 5000)
        ]
        * 6,
    }
    for message, payloads in refusals.items():
        with pytest.raises(UploadError) as error:
            save_uploads([file(d, "a.png") for d in payloads], ctx.alpha, None, "x", False)
        with force_locale("zh_CN"):
            assert str(error.value) == message


def frames(fmt: str, colours, **save) -> bytes:
    images = [Image.new("RGB", (40, 30), colour) for colour in colours]
    out = io.BytesIO()
    images[0].save(out, format=fmt, save_all=True, append_images=images[1:], **save)
    return out.getvalue()


@pytest.mark.parametrize(
    "fmt, name, save",
    [
        ("PNG", "moving.png", {"duration": 100}),  # APNG
        ("WEBP", "moving.webp", {"duration": 100, "lossless": True}),
        ("MPO", "pair.jpg", {}),  # multi-picture JPEG: stored as a JPEG of its first picture
    ],
)
def test_only_the_first_frame_is_kept(ctx, fmt, name, save):
    data = frames(fmt, [(250, 0, 0), (0, 250, 0), (0, 0, 250)], **save)
    with Image.open(io.BytesIO(data)) as original:
        assert original.n_frames == 3
    [row] = save_uploads([file(data, name)], ctx.alpha, None, "review", True)
    with Image.open(upload_dir() / row.token) as stored:
        assert getattr(stored, "n_frames", 1) == 1
        assert stored.getpixel((20, 15))[:3] == pytest.approx((250, 0, 0), abs=6)
    assert (row.width, row.height) == (40, 30)
