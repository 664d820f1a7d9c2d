"""Anonymous visitors get product-page sections from the fragment cache: never stale.

Every change a shopper could see — a new review, a reply, a helpful vote, an edited FAQ
answer, another language — must show on the very next page, and signed-in shoppers must
get their own sections (forms, their questions), never a visitor's copy.
"""

from __future__ import annotations

from sqlalchemy import select

from storefront import db
from storefront.plugins.faq.models import FaqEntry
from storefront.plugins.reviews.models import Review

PRODUCT = "/shop/alpha/p/sneaker"


def section(html: str, plugin: str) -> str:
    start = html.index(f'data-plugin="{plugin}"')
    return html[start : html.index("</section>", start)]


def review_of_alice(shop, make, client_for) -> Review:
    order = make.order(shop.alpha, shop.alice, shop.sneaker, status="completed")
    db.session.commit()
    client_for(shop.alice).post(
        f"/shop/alpha/reviews/write/{order.items[0].id}",
        data={"stars": "4", "title": "Comfortable", "body": "Fits well."},
        content_type="multipart/form-data",
    )
    return db.session.scalar(select(Review))


def test_reviews_replies_and_votes_show_at_once_to_visitors(
    shop, make, client, client_for, owner_client
):
    assert "No reviews yet" in client.get(PRODUCT).text
    review = review_of_alice(shop, make, client_for)
    assert "Comfortable" in client.get(PRODUCT).text

    owner_client.post(f"/admin/alpha/reviews/{review.id}", data={"reply": "Thanks, Alice!"})
    assert "Thanks, Alice!" in client.get(PRODUCT).text

    client_for(shop.bob).post(f"/shop/alpha/reviews/{review.id}/helpful")
    assert "1 shopper found this helpful" in client.get(PRODUCT).text

    owner_client.post(f"/admin/alpha/reviews/{review.id}/status", data={"status": "hidden"})
    assert "Comfortable" not in client.get(PRODUCT).text


def test_an_edited_answer_and_a_new_language_show_at_once(shop, client):
    entry = FaqEntry(
        merchant_id=shop.alpha.id, topic="care", question="Machine washable?", answer="Yes."
    )
    entry.index_text()
    db.session.add(entry)
    db.session.commit()
    assert "Yes." in client.get(PRODUCT).text

    entry.answer = "Yes, at 30 degrees."
    db.session.commit()
    assert "Yes, at 30 degrees." in client.get(PRODUCT).text

    client.post("/lang/zh_CN")
    chinese = client.get(PRODUCT).text
    assert "<h2>问答</h2>" in chinese and "Questions and answers" not in chinese


def test_signed_in_shoppers_get_their_own_sections(shop, make, client, client_for):
    review_of_alice(shop, make, client_for)
    visitor = client.get(PRODUCT).text
    assert "Sign in to ask a question" in section(visitor, "faq")
    assert "csrf_token" not in section(visitor, "faq") + section(visitor, "reviews")

    bob = client_for(shop.bob).get(PRODUCT).text
    assert 'name="csrf_token"' in section(bob, "faq")
    assert "Sign in to ask a question" not in section(bob, "faq")
    helpful = f"/shop/alpha/reviews/{db.session.scalar(select(Review.id))}/helpful"
    assert helpful in section(bob, "reviews")
