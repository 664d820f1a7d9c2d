"""Reviews act only where they are on for the product: invitations, pages, votes, records."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from storefront import Notification, db, utcnow
from storefront.events import dispatch_due, run_periodic
from storefront.models import PluginSetting
from storefront.plugin_settings import set_platform
from storefront.plugins.reviews.models import Review, ReviewInvitation
from storefront.testing import Factory


@pytest.fixture
def storefront_plugins():
    return ["reviews"]


def completed(shop, *products, user=None):
    """A completed order of one unit of each product."""
    order = Factory().order(shop.alpha, user or shop.alice, products=products, status="completed")
    db.session.commit()
    dispatch_due()
    return order


def line_of(order, product):
    return next(i for i in order.items if i.product_id == product.id)


def invitations(kind="reviews.invite") -> list[str]:
    return list(db.session.scalars(select(Notification.title).where(Notification.kind == kind)))


def write(client, item, stars="5"):
    data = {"stars": stars, "title": "Great", "body": "Fits well."}
    return client.post(
        f"/shop/alpha/reviews/write/{item.id}", data=data, content_type="multipart/form-data"
    )


def test_a_mixed_order_invites_only_where_reviews_are_on(shop, client_for, disable_plugin):
    disable_plugin("reviews", shop.alpha, shop.shoes)
    order = completed(shop, shop.duvet, shop.sneaker)
    assert invitations() == ["How is your Linen Duvet Cover?"]
    planned = db.session.scalars(select(ReviewInvitation.order_item_id)).all()
    assert planned == [line_of(order, shop.duvet).id]
    panel = client_for(shop.alice).get(f"/shop/alpha/account/orders/{order.number}").text
    assert "Linen Duvet Cover <a" in panel and "Leather Sneaker <a" not in panel


def test_an_order_of_shoes_gets_no_invitation_and_no_panel(shop, client_for, disable_plugin):
    disable_plugin("reviews", shop.alpha, shop.shoes)
    order = completed(shop, shop.sneaker)
    run_periodic(utcnow() + timedelta(days=30))
    assert invitations() == [] and invitations("reviews.reminder") == []
    page = client_for(shop.alice).get(f"/shop/alpha/account/orders/{order.number}").text
    assert 'id="review-invite"' not in page


def test_reviews_on_for_bedding_only(shop, enable_plugin):
    enable_plugin("reviews", shop.alpha, enabled=False)
    enable_plugin("reviews", shop.alpha, shop.bedding)
    completed(shop, shop.duvet, shop.tee)
    assert invitations() == ["How is your Linen Duvet Cover?"]


def test_the_worker_sends_what_is_due_at_its_own_now(shop, enable_plugin):
    enable_plugin("reviews", shop.alpha, invite_delay_days=2)
    completed(shop, shop.duvet)
    assert invitations() == []
    run_periodic(utcnow() + timedelta(days=1))
    assert invitations() == []
    run_periodic(utcnow() + timedelta(days=3))
    assert invitations() == ["How is your Linen Duvet Cover?"]


def test_writing_for_a_shoe_line_is_refused_where_reviews_are_off(shop, client_for, disable_plugin):
    order = completed(shop, shop.sneaker)
    disable_plugin("reviews", shop.alpha, shop.shoes)
    alice = client_for(shop.alice)
    page = alice.get(f"/shop/alpha/reviews/write/{order.items[0].id}")
    assert page.status_code == 200  # the invitation she already has does not lead to a 404
    assert 'data-testid="no-longer-offered"' in page.text
    assert "review-form" not in page.text
    assert write(alice, order.items[0]).status_code == 404
    assert db.session.scalar(select(Review.id)) is None


def test_product_pages_and_votes_answer_only_where_reviews_are_on(
    shop, client, client_for, disable_plugin
):
    order = completed(shop, shop.sneaker)
    write(client_for(shop.alice), order.items[0])
    review = db.session.scalar(select(Review))
    disable_plugin("reviews", shop.alpha, shop.shoes)
    assert client.get("/shop/alpha/p/sneaker/reviews").status_code == 404
    bob = client_for(shop.bob)
    assert bob.post(f"/shop/alpha/reviews/{review.id}/helpful").status_code == 404
    db.session.refresh(review)
    assert review.helpful_count == 0
    assert client.get("/shop/alpha/p/duvet/reviews").status_code == 200


@pytest.mark.parametrize("how", ["shop", "hidden"])
def test_my_reviews_stay_readable_after_switch_off(how, shop, client_for, disable_plugin):
    order = completed(shop, shop.sneaker)
    write(client_for(shop.alice), order.items[0])
    if how == "shop":
        disable_plugin("reviews", shop.alpha)
    else:
        set_platform("reviews", available=False, enabled=None, actor=None)
        db.session.commit()
    alice = client_for(shop.alice)
    mine = alice.get("/shop/alpha/account/reviews")
    assert mine.status_code == 200
    assert "Great" in mine.text and 'data-testid="no-longer-offered"' in mine.text
    assert f"/reviews/write/{order.items[0].id}" not in mine.text  # no edit link
    for link in db.session.scalars(select(Notification.link).where(Notification.link.is_not(None))):
        if "/reviews/" in link:
            assert alice.get(link).status_code == 200, link
    assert "Great" not in client_for(shop.bob).get("/shop/alpha/account/reviews").text
    bob_page = client_for(shop.bob).get(f"/shop/alpha/reviews/write/{order.items[0].id}")
    assert bob_page.status_code == 404


def test_the_writing_page_of_a_line_never_offered_for_review_is_not_found(
    shop, client_for, disable_plugin
):
    disable_plugin("reviews", shop.alpha, shop.shoes)
    order = completed(shop, shop.duvet, shop.sneaker)
    alice = client_for(shop.alice)
    assert (
        alice.get(f"/shop/alpha/reviews/write/{line_of(order, shop.sneaker).id}").status_code == 404
    )
    duvet = alice.get(f"/shop/alpha/reviews/write/{line_of(order, shop.duvet).id}")
    assert duvet.status_code == 200 and "review-form" in duvet.text
    assert write(alice, line_of(order, shop.sneaker)).status_code == 404
    assert write(alice, line_of(order, shop.duvet)).status_code == 302
    assert db.session.scalars(select(Review.product_id)).all() == [shop.duvet.id]


def test_my_reviews_keep_their_buttons_only_where_reviews_are_on(shop, client_for, enable_plugin):
    order = completed(shop, shop.duvet, shop.sneaker)
    alice = client_for(shop.alice)
    for product in (shop.duvet, shop.sneaker):
        write(alice, line_of(order, product))
    enable_plugin("reviews", shop.alpha, enabled=False)
    enable_plugin("reviews", shop.alpha, shop.bedding)
    duvet_review, sneaker_review = (
        db.session.scalar(select(Review).where(Review.product_id == p.id))
        for p in (shop.duvet, shop.sneaker)
    )
    mine = alice.get("/shop/alpha/account/reviews").text
    assert 'data-testid="no-longer-offered"' not in mine  # still offered, for bedding
    assert mine.count('class="card review"') == 2
    assert f"/reviews/{duvet_review.id}/delete" in mine
    assert f"/reviews/write/{duvet_review.order_item_id}" in mine
    assert f"/reviews/{sneaker_review.id}/delete" not in mine
    assert f"/reviews/write/{sneaker_review.order_item_id}" not in mine
    assert alice.post(f"/shop/alpha/reviews/{sneaker_review.id}/delete").status_code == 404
    assert alice.post(f"/shop/alpha/reviews/{duvet_review.id}/delete").status_code == 302
    assert db.session.scalars(select(Review.id)).all() == [sneaker_review.id]


def test_the_alert_threshold_is_the_category_s_own(shop, client_for, owner_client, enable_plugin):
    enable_plugin("reviews", shop.alpha, shop.shoes, alert_threshold=4)
    order = completed(shop, shop.duvet, shop.sneaker)
    alice = client_for(shop.alice)
    for product in (shop.duvet, shop.sneaker):
        write(alice, line_of(order, product), stars="3")
    alerts = db.session.scalars(
        select(Notification.title).where(Notification.kind == "reviews.low_rating")
    ).all()
    assert set(alerts) == {"3-star review of Leather Sneaker"}
    negative = owner_client.get("/admin/alpha/reviews/?show=negative").text
    assert "Leather Sneaker" in negative and "Linen Duvet Cover" not in negative
    dashboard = owner_client.get("/admin/alpha/").text
    assert re.search(r'data-testid="reviews-negative"><span class="figure">1<', dashboard)


def test_the_staff_alert_stays_readable_after_reviews_are_hidden(shop, client_for, owner_client):
    order = completed(shop, shop.sneaker)
    write(client_for(shop.alice), order.items[0], stars="1")
    link = db.session.scalar(
        select(Notification.link).where(
            Notification.kind == "reviews.low_rating", Notification.user_id == shop.alpha_owner.id
        )
    )
    assert 'name="reply"' in owner_client.get(link).text
    set_platform("reviews", available=False, enabled=None, actor=None)
    db.session.commit()
    page = owner_client.get(link)
    assert page.status_code == 200 and "Great" in page.text
    assert 'data-testid="no-longer-offered"' in page.text
    assert 'name="reply"' not in page.text and 'name="status"' not in page.text


def test_an_invitation_due_tomorrow_waits_for_tomorrow_s_tick(shop, enable_plugin, disable_plugin):
    enable_plugin("reviews", shop.alpha, invite_delay_days=1)
    disable_plugin("reviews", shop.alpha, shop.shoes)
    completed(shop, shop.duvet, shop.sneaker)
    run_periodic(utcnow())
    assert invitations() == []
    run_periodic(utcnow() + timedelta(days=1, minutes=1))
    assert invitations() == ["How is your Linen Duvet Cover?"]


def test_a_blank_number_in_the_settings_is_a_form_error_not_a_default(shop, owner_client):
    data = {
        "moderation": "publish",
        "hold_low_stars": "",
        "banned_words": "",
        "alert_threshold": "2",
        "invite_delay_days": "",
        "reminder_days": "7",
        "per_page": "10",
    }
    page = owner_client.post("/admin/alpha/plugins/reviews/settings", data=data)
    assert page.status_code == 200
    assert page.text.count("This field is required.") == 2
    assert (
        db.session.scalar(select(PluginSetting.config).where(PluginSetting.plugin == "reviews"))
        is None
    )
