"""A review's photos are public only while the review is: /uploads/<token> in every state.

Waiting for the shop, hidden by it or deleted, a review is not on the product page; its
photos must not be served to whoever has (or guesses, or kept) the link either. The author
and the shop's staff still see the photos of a review that is not online (to follow it
up and to moderate it); once the review is deleted nobody does, and the file is gone.
"""

from __future__ import annotations

import io

import pytest
from flask import current_app
from PIL import Image
from sqlalchemy import delete, func, select, update

from storefront import Upload, db
from storefront.plugins.reviews.models import Review, ReviewPhoto
from storefront.plugins.reviews.writing import delete_review
from storefront.uploads import upload_dir

VISIBLE = 200
NOT_FOUND = 404


@pytest.fixture
def storefront_plugins():
    return ["reviews"]


@pytest.fixture
def item(shop, make):
    order = make.order(shop.alpha, shop.alice, shop.sneaker, status="completed")
    db.session.commit()
    return order.items[0]


@pytest.fixture
def viewers(shop, client, client_for):
    """Who asks for the photo: nobody signed in, another shopper, the author, the staff."""
    return {
        "anonymous": client,
        "another shopper": client_for(shop.bob),
        "author": client_for(shop.alice),
        "agent": client_for(shop.alpha_agent),
        "owner": client_for(shop.alpha_owner),
        "another shop's owner": client_for(shop.beta_owner),
    }


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 100, 50)).save(out, format="PNG")
    return out.getvalue()


def write(client, item, body="Fits well.") -> None:
    answer = client.post(
        f"/shop/alpha/reviews/write/{item.id}",
        data={
            "stars": "4",
            "title": "Nice",
            "body": body,
            "photos": [(io.BytesIO(png()), "a.png")],
        },
        content_type="multipart/form-data",
    )
    assert answer.status_code == 302


def the_review() -> Review:
    db.session.expire_all()
    return db.session.scalar(select(Review))


def photo_url() -> str:
    [photo] = the_review().photos
    return f"/uploads/{photo.upload.token}"


def who_sees(viewers, url: str) -> dict[str, int]:
    return {name: c.get(url).status_code for name, c in viewers.items()}


ONLINE = {
    "anonymous": VISIBLE,
    "another shopper": VISIBLE,
    "author": VISIBLE,
    "agent": VISIBLE,
    "owner": VISIBLE,
    "another shop's owner": VISIBLE,
}
NOT_ONLINE = {
    "anonymous": NOT_FOUND,
    "another shopper": NOT_FOUND,
    "author": VISIBLE,
    "agent": VISIBLE,
    "owner": VISIBLE,
    "another shop's owner": NOT_FOUND,
}
GONE = dict.fromkeys(ONLINE, NOT_FOUND)


def moderate(owner_client, status: str) -> None:
    review = the_review()
    answer = owner_client.post(f"/admin/alpha/reviews/{review.id}/status", data={"status": status})
    assert answer.status_code == 302
    assert the_review().status == status


def test_a_published_review_shows_its_photo_to_everyone(shop, item, viewers):
    write(viewers["author"], item)
    assert the_review().status == "published"
    assert who_sees(viewers, photo_url()) == ONLINE


def test_a_review_waiting_for_the_shop_shows_it_only_to_its_author_and_the_staff(
    shop, item, viewers, enable_plugin
):
    enable_plugin("reviews", shop.alpha, moderation="hold")
    write(viewers["author"], item)
    assert the_review().status == "pending"
    assert who_sees(viewers, photo_url()) == NOT_ONLINE

    moderate(viewers["owner"], "published")
    assert who_sees(viewers, photo_url()) == ONLINE


def test_a_review_the_shop_hides_takes_its_photo_with_it(shop, item, viewers):
    write(viewers["author"], item)
    url = photo_url()

    moderate(viewers["agent"], "hidden")
    assert who_sees(viewers, url) == NOT_ONLINE
    moderate(viewers["owner"], "published")
    assert who_sees(viewers, url) == ONLINE


def test_an_edit_held_for_moderation_takes_the_photos_offline(shop, item, viewers):
    write(viewers["author"], item)
    url = photo_url()
    write(viewers["author"], item, body="Cheaper at www.example-shoes.com")  # held: a link
    review = the_review()
    assert review.status == "pending" and len(review.photos) == 2
    assert who_sees(viewers, url) == NOT_ONLINE
    assert who_sees(viewers, f"/uploads/{review.photos[1].upload.token}") == NOT_ONLINE


def test_a_deleted_review_leaves_no_photo_behind(shop, item, viewers):
    write(viewers["author"], item)
    url = photo_url()
    [photo] = the_review().photos
    stored = upload_dir() / photo.upload.token
    assert stored.exists()

    answer = viewers["author"].post(f"/shop/alpha/reviews/{the_review().id}/delete")

    assert answer.status_code == 302 and the_review() is None
    assert who_sees(viewers, url) == GONE
    assert not stored.exists()
    assert db.session.scalar(select(func.count(Upload.id))) == 0


def test_a_deleted_hidden_review_leaves_no_photo_behind(shop, item, viewers):
    write(viewers["author"], item)
    url = photo_url()
    moderate(viewers["owner"], "hidden")
    viewers["author"].post(f"/shop/alpha/reviews/{the_review().id}/delete")
    assert who_sees(viewers, url) == GONE


def test_imported_reviews_show_their_photos_as_their_status_says(shop, item, viewers):
    """An export from before this fix says every review photo is public."""
    write(viewers["author"], item)
    moderate(viewers["owner"], "hidden")
    url = photo_url()
    hook = current_app.extensions["storefront"].plugins.hook
    (exported,) = [r for r in hook.export_merchant_data(merchant=shop.alpha) if r]
    db.session.execute(delete(ReviewPhoto))
    db.session.execute(delete(Review))
    db.session.execute(update(Upload).values(public=True))
    db.session.commit()
    assert who_sees(viewers, url) == ONLINE

    hook.import_merchant_data(merchant=shop.alpha, data={"reviews": exported})
    db.session.commit()

    assert the_review().status == "hidden"
    assert who_sees(viewers, url) == NOT_ONLINE


def test_a_deletion_rolled_back_keeps_the_file(shop, item, viewers):
    write(viewers["author"], item)
    url = photo_url()
    stored = upload_dir() / url.rsplit("/", 1)[1]

    delete_review(the_review())
    db.session.rollback()
    try:
        with db.session.begin_nested():
            delete_review(the_review())
            raise RuntimeError("changed my mind")
    except RuntimeError:
        pass
    db.session.commit()

    assert stored.exists() and the_review() is not None
    assert who_sees(viewers, url) == ONLINE
