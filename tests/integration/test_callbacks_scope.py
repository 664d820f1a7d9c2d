"""Callbacks about a product or an order only where it is on; a shopper's threads stay readable.

Callbacks is off for shoes and on for bedding unless a test says otherwise.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from storefront import Notification, db, scope_of
from storefront.plugin_settings import set_platform
from storefront.plugins.callbacks.models import ContactMessage, ContactRequest
from storefront.testing import Factory

ALWAYS = {f"hours_{d}": "00:00-24:00" for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
PRODUCT_LINK = "A question about this product? Contact us"
ORDER_LINK = "A question about this order? Contact us"
RETIRED = "is no longer offered here"


@pytest.fixture
def storefront_plugins():
    return ["callbacks"]


@pytest.fixture
def open_shop(shop, enable_plugin):
    enable_plugin("callbacks", shop.alpha, **ALWAYS)
    return shop


@pytest.fixture
def off_for_shoes(open_shop, disable_plugin):
    disable_plugin("callbacks", open_shop.alpha, open_shop.shoes)
    return open_shop


def order_of(shop, *products, user=None):
    """A paid order of one unit of each product."""
    order = Factory().order(
        shop.alpha, user or shop.alice, products=products, status="awaiting_shipment"
    )
    db.session.commit()
    return order


def ask(client, **about):
    """A signed-in shopper's question answered here, about a product or an order."""
    form = {
        "name": "Alice",
        "topic": "presale",
        "message": "Is it warm?",
        "mode": "reply",
        "window": "any",
    }
    return client.post("/shop/alpha/contact", data={**form, **about}, follow_redirects=True)


def requests_written() -> int:
    return db.session.scalar(select(func.count(ContactRequest.id)))


def thread_url(request: ContactRequest) -> str:
    return f"/shop/alpha/account/messages/{request.id}"


# -- the links and the contact form ---------------------------------------------------------


def test_the_product_link_shows_only_where_callbacks_is_on(off_for_shoes, client):
    assert PRODUCT_LINK in client.get("/shop/alpha/p/duvet").text
    assert PRODUCT_LINK not in client.get("/shop/alpha/p/sneaker").text


def test_the_order_link_shows_only_for_orders_with_a_line_where_it_is_on(off_for_shoes, client_for):
    alice = client_for(off_for_shoes.alice)
    shoes = order_of(off_for_shoes, off_for_shoes.sneaker)
    mixed = order_of(off_for_shoes, off_for_shoes.sneaker, off_for_shoes.duvet)
    assert ORDER_LINK not in alice.get(f"/shop/alpha/account/orders/{shoes.number}").text
    assert ORDER_LINK in alice.get(f"/shop/alpha/account/orders/{mixed.number}").text


def test_a_message_about_a_product_where_callbacks_is_off_is_refused(off_for_shoes, client_for):
    alice = client_for(off_for_shoes.alice)
    assert alice.get("/shop/alpha/contact?product=sneaker").status_code == 404
    assert ask(alice, product="sneaker").status_code == 404
    assert requests_written() == 0
    assert "Your request number is" in ask(alice, product="duvet").text
    request = db.session.scalar(select(ContactRequest))
    assert request.product_id == off_for_shoes.duvet.id
    assert scope_of(request).category.id == off_for_shoes.bedding.id


def test_a_message_about_an_order_where_callbacks_is_off_is_refused(off_for_shoes, client_for):
    alice = client_for(off_for_shoes.alice)
    shoes = order_of(off_for_shoes, off_for_shoes.sneaker)
    mixed = order_of(off_for_shoes, off_for_shoes.sneaker, off_for_shoes.duvet)
    assert ask(alice, order=shoes.number).status_code == 404
    assert requests_written() == 0
    assert "Your request number is" in ask(alice, order=mixed.number).text
    assert db.session.scalar(select(ContactRequest.order_id)) == mixed.id


def test_the_shop_wide_contact_page_stays_where_callbacks_is_on_for_one_category(
    shop, enable_plugin, client_for
):
    enable_plugin("callbacks", shop.alpha, enabled=False, **ALWAYS)
    enable_plugin("callbacks", shop.alpha, shop.bedding)
    alice = client_for(shop.alice)
    assert alice.get("/shop/alpha/contact").status_code == 200
    assert "Your request number is" in ask(alice).text


# -- existing threads -----------------------------------------------------------------------


@pytest.fixture
def threads(open_shop, client_for, agent_client):
    """Alice asked about the sneaker and the duvet, and the shop answered both."""
    alice = client_for(open_shop.alice)
    for slug in ("sneaker", "duvet"):
        ask(alice, product=slug, message=f"About the {slug}?")
    found = {r.product.slug: r for r in db.session.scalars(select(ContactRequest))}
    for request in found.values():
        agent_client.post(f"/admin/alpha/callbacks/{request.id}/reply", data={"body": "Yes."})
    return found


def reply(client, request: ContactRequest, body: str = "Thanks!"):
    return client.post(thread_url(request), data={"body": body}, follow_redirects=True)


def messages_of(request: ContactRequest) -> int:
    return db.session.scalar(
        select(func.count(ContactMessage.id)).where(ContactMessage.request_id == request.id)
    )


def test_a_thread_about_a_product_switched_off_stays_readable_without_a_reply_form(
    shop, threads, disable_plugin, client_for
):
    disable_plugin("callbacks", shop.alpha, shop.shoes)
    alice, bob = client_for(shop.alice), client_for(shop.bob)
    sneaker, duvet = threads["sneaker"], threads["duvet"]
    page = alice.get(thread_url(sneaker))
    assert page.status_code == 200 and "About the sneaker?" in page.text
    assert RETIRED in page.text and 'name="body"' not in page.text
    assert "Close the conversation" not in page.text
    before = messages_of(sneaker)
    refused = reply(alice, sneaker)
    assert "The shop no longer takes messages here" in refused.text
    closed = alice.post(f"{thread_url(sneaker)}/close", data={"rating": "satisfied"})
    assert closed.status_code == 302
    assert messages_of(sneaker) == before
    assert db.session.get(ContactRequest, sneaker.id).status != "resolved"
    assert bob.get(thread_url(sneaker)).status_code == 404
    page = alice.get(thread_url(duvet)).text
    assert RETIRED not in page and 'name="body"' in page
    assert "Message sent." in reply(alice, duvet).text


@pytest.mark.parametrize("how", ["off everywhere", "hidden by the platform"])
def test_threads_and_my_messages_stay_readable_after_callbacks_goes(
    shop, threads, disable_plugin, client_for, how
):
    if how == "off everywhere":
        disable_plugin("callbacks", shop.alpha)
    else:
        set_platform("callbacks", available=False, enabled=None, actor=None)
        db.session.commit()
    alice, bob = client_for(shop.alice), client_for(shop.bob)
    duvet = threads["duvet"]
    link = db.session.scalar(
        select(Notification.link).where(
            Notification.user_id == shop.alice.id, Notification.link.contains(str(duvet.id))
        )
    )
    page = alice.get(link)
    assert page.status_code == 200 and "About the duvet?" in page.text
    assert RETIRED in page.text and 'name="body"' not in page.text
    mine = alice.get("/shop/alpha/account/messages")
    assert mine.status_code == 200 and RETIRED in mine.text
    assert thread_url(duvet) in mine.text
    before = messages_of(duvet)
    assert alice.post(thread_url(duvet), data={"body": "Hello?"}).status_code == 404
    assert messages_of(duvet) == before
    assert bob.get(thread_url(duvet)).status_code == 404
    assert thread_url(duvet) not in bob.get("/shop/alpha/account/messages").text
