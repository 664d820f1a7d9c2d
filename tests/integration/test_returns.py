"""Returns through the test client: eligibility, the request, the flow, isolation."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from PIL import Image
from sqlalchemy import func, select
from sqlalchemy.orm.attributes import set_committed_value

from storefront import Notification, OrderItem, Variant, db, utcnow
from storefront.models import OrderStatusChange
from storefront.plugins.returns.analytics import (
    category_rates,
    flagged_products,
    product_rates,
    top_reasons,
)
from storefront.plugins.returns.models import ReturnItem, ReturnRequest
from storefront.plugins.returns.policy import new_rma


@pytest.fixture
def storefront_plugins():
    return ["returns"]


@pytest.fixture
def delivered(shop, make):
    order = make.order(shop.alpha, shop.alice, shop.sneaker, status="completed")
    db.session.commit()
    return order


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (30, 30), (10, 120, 200)).save(out, format="PNG")
    return out.getvalue()


def ask(client, order, **data):
    item = order.items[0]
    form = {f"qty-{item.id}": "1", "reason": "wrong_size", "kind": "refund", **data}
    return client.post(
        f"/shop/alpha/account/orders/{order.number}/return",
        data=form,
        content_type="multipart/form-data",
        follow_redirects=True,
    )


def test_rma_numbers_look_right_and_differ(app):
    numbers = {new_rma() for _ in range(50)}
    assert len(numbers) == 50
    assert all(re.fullmatch(r"RMA-\d{8}-[0-9A-HJKMNP-TV-Z]{4}", n) for n in numbers)


def test_a_refund_request_gets_an_rma_and_goes_to_the_shop(
    shop, delivered, client_for, owner_client
):
    page = ask(client_for(shop.alice), delivered, description="<b>Too tight</b>")
    request = db.session.scalar(select(ReturnRequest))
    assert request.rma in page.text and "Waiting for the shop" in page.text
    assert request.rma in owner_client.get("/admin/alpha/returns/").text
    detail = owner_client.get(f"/admin/alpha/returns/{request.rma}").text
    assert "&lt;b&gt;Too tight&lt;/b&gt;" in detail


def test_window_is_counted_from_delivery(shop, delivered, client_for):
    change = db.session.scalar(
        select(OrderStatusChange).where(
            OrderStatusChange.order_id == delivered.id, OrderStatusChange.new_status == "completed"
        )
    )
    change.created_at = utcnow() - timedelta(days=40)
    db.session.commit()
    page = client_for(shop.alice).get(f"/shop/alpha/account/orders/{delivered.number}/return")
    assert "day window is over" in page.text
    ask(client_for(shop.alice), delivered)
    assert db.session.scalar(select(func.count(ReturnRequest.id))) == 0


def test_quality_problems_need_a_photo(shop, delivered, client_for):
    alice = client_for(shop.alice)
    page = ask(alice, delivered, reason="quality")
    assert "at least one photo" in page.text
    ask(alice, delivered, reason="quality", photos=[(io.BytesIO(png()), "seam.png")])
    request = db.session.scalar(select(ReturnRequest))
    assert len(request.photos) == 1 and request.shipping_paid_by == "shop"


def test_hygiene_rule_for_opened_bedding(shop, make, client_for):
    order = make.order(shop.alpha, shop.alice, shop.duvet, status="completed")
    db.session.commit()
    page = ask(client_for(shop.alice), order, reason="changed_mind", opened="y")
    assert "opened bedding cannot be returned" in page.text
    ask(client_for(shop.alice), order, reason="changed_mind")
    assert db.session.scalar(select(ReturnRequest.shipping_paid_by)) == "shopper"


def test_size_exchange_is_approved_at_once_and_reserves_stock(shop, delivered, client_for):
    other = next(v for v in shop.sneaker.variants if v.id != delivered.items[0].variant_id)
    before = other.stock
    ask(
        client_for(shop.alice),
        delivered,
        kind="exchange",
        **{f"variant-{delivered.items[0].id}": other.id},
    )
    request = db.session.scalar(select(ReturnRequest))
    assert request.status == "approved"
    assert db.session.get(Variant, other.id).stock == before - 1


def test_the_whole_refund_flow_with_notifications(shop, delivered, client_for, owner_client):
    alice = client_for(shop.alice)
    ask(alice, delivered, reason="not_as_described")
    rma = db.session.scalar(select(ReturnRequest.rma))
    owner_client.post(f"/admin/alpha/returns/{rma}/approved", data={"note": "Send it back"})
    alice.post(f"/shop/alpha/returns/{rma}/ship-back", data={"carrier": "SF", "tracking": "SF1"})
    owner_client.post(f"/admin/alpha/returns/{rma}/received", data={})
    too_much = owner_client.post(
        f"/admin/alpha/returns/{rma}/refunded", data={"refund": "99999"}, follow_redirects=True
    )
    assert "Refund between" in too_much.text
    owner_client.post(f"/admin/alpha/returns/{rma}/refunded", data={"refund": "100.00"})
    request = db.session.scalar(select(ReturnRequest))
    assert (request.status, request.refund_minor) == ("refunded", 10000)
    assert [e.status for e in request.events] == [
        "requested",
        "approved",
        "shipped_back",
        "received",
        "refunded",
    ]
    titles = db.session.scalars(
        select(Notification.title).where(Notification.user_id == shop.alice.id)
    ).all()
    assert any("Refunded" in t for t in titles)


def test_illegal_steps_and_rejections_without_reason_are_refused(
    shop, delivered, client_for, owner_client
):
    ask(client_for(shop.alice), delivered)
    rma = db.session.scalar(select(ReturnRequest.rma))
    page = owner_client.post(
        f"/admin/alpha/returns/{rma}/refunded", data={"refund": "1"}, follow_redirects=True
    )
    assert "cannot become" in page.text
    page = owner_client.post(f"/admin/alpha/returns/{rma}/rejected", data={}, follow_redirects=True)
    assert "Say why" in page.text
    assert db.session.scalar(select(ReturnRequest.status)) == "requested"


def test_shoppers_and_shops_are_kept_apart(shop, delivered, client_for):
    ask(client_for(shop.alice), delivered)
    rma = db.session.scalar(select(ReturnRequest.rma))
    bob = client_for(shop.bob)
    assert bob.get(f"/shop/alpha/returns/{rma}").status_code == 404
    assert bob.post(f"/shop/alpha/returns/{rma}/cancel").status_code == 404
    assert bob.get(f"/shop/alpha/account/orders/{delivered.number}/return").status_code == 404
    beta = client_for(shop.beta_owner)
    assert beta.get(f"/admin/beta/returns/{rma}").status_code == 404
    assert beta.post(f"/admin/beta/returns/{rma}/approved", data={}).status_code == 404


def test_cancel_before_shipping_back(shop, delivered, client_for):
    alice = client_for(shop.alice)
    ask(alice, delivered, description="<script>x</script>")
    rma = db.session.scalar(select(ReturnRequest.rma))
    alice.post(f"/shop/alpha/returns/{rma}/cancel")
    assert db.session.scalar(select(ReturnRequest.status)) == "cancelled"
    # the line can be asked for again once the request is cancelled
    assert "Return or exchange" in alice.get(f"/shop/alpha/account/orders/{delivered.number}").text


def test_queue_queries_do_not_grow(shop, make, client_for, owner_client, count_queries):
    for variant in shop.sneaker.variants:
        variant.stock = 100

    def queries() -> int:
        owner_client.get("/admin/alpha/returns/")
        with count_queries() as counter:
            owner_client.get("/admin/alpha/returns/")
        return counter.count

    order = make.order(shop.alpha, shop.alice, shop.sneaker, status="completed")
    db.session.commit()
    ask(client_for(shop.alice), order)
    few = queries()
    for _ in range(8):
        order = make.order(shop.alpha, shop.alice, shop.sneaker, status="completed")
        db.session.commit()
        ask(client_for(shop.alice), order)
    assert queries() == few


def test_a_second_approval_of_the_same_request_is_refused(app, shop, delivered, client_for):
    from storefront.plugins.returns.flow import FlowError, move

    ask(client_for(shop.alice), delivered)
    request = db.session.scalar(select(ReturnRequest))
    stale_status = request.status
    with app.test_request_context("/"):
        move(request, "approved", "first")
        db.session.commit()
        # What a second, simultaneous request still believes it read.
        set_committed_value(request, "status", stale_status)
        with pytest.raises(FlowError, match="Someone else"):
            move(request, "approved", "second")


def test_queue_filters_by_reason_and_analytics_flag_returned_products(
    shop, make, client_for, owner_client
):
    for variant in shop.sneaker.variants:
        variant.stock = 100
    for _ in range(5):
        order = make.order(shop.alpha, shop.alice, shop.sneaker, status="completed")
        db.session.commit()
        ask(client_for(shop.alice), order, reason="wrong_size")
    rmas = db.session.scalars(select(ReturnRequest.rma)).all()
    assert rmas[0] in owner_client.get("/admin/alpha/returns/?reason=wrong_size").text
    assert rmas[0] not in owner_client.get("/admin/alpha/returns/?reason=quality").text
    page = owner_client.get("/admin/alpha/returns/analytics").text
    assert "Leather Sneaker" in page and "100 %" in page
    assert 'data-testid="returns-flagged"' in owner_client.get("/admin/alpha/").text


def send_back(order, lines: list[tuple[int, int]], reason: str = "quality", **fields):
    """A refund request for (order item id, quantity) lines of `order`, by its buyer."""
    request = ReturnRequest(
        merchant_id=order.merchant_id,
        order_id=order.id,
        user_id=order.user_id,
        rma=fields.pop("rma", None) or new_rma(),
        kind=fields.pop("kind", "refund"),
        reason=reason,
        **fields,
    )
    request.items = [ReturnItem(order_item_id=item, quantity=qty) for item, qty in lines]
    db.session.add(request)
    return request


def beta_sells_and_takes_back(shop, make) -> None:
    """Beta sells three quilts and takes all three back; one of its lines names alpha's sneaker.

    `OrderItem.product_id` is a plain foreign key: nothing ties a line's product to the shop
    of its order, so a line like that (an import, a manual fix) must not reach alpha's sums.
    """
    order = make.order(shop.beta, shop.bob, shop.beta_quilt, status="completed", quantity=3)
    stray = OrderItem(
        product_id=shop.sneaker.id,
        product_name="Leather Sneaker",
        sku="STRAY",
        quantity=4,
        unit_price_minor=69900,
    )
    order.items.append(stray)
    db.session.flush()
    send_back(order, [(order.items[0].id, 3), (stray.id, 4)])
    db.session.commit()


def five_sneakers_one_back(shop, make, client_for) -> None:
    """Alpha sells five sneakers in five orders; Alice sends one back (20 %: flagged)."""
    for variant in shop.sneaker.variants:
        variant.stock = 100
    orders = [
        make.order(shop.alpha, shop.alice, shop.sneaker, status="completed") for _ in range(5)
    ]
    db.session.commit()
    ask(client_for(shop.alice), orders[0], reason="wrong_size")


def test_return_rates_add_up_only_the_shops_own_orders_and_returns(
    shop, make, client_for, owner_client
):
    five_sneakers_one_back(shop, make, client_for)
    beta_sells_and_takes_back(shop, make)

    # 1 of 5 sneakers back: 20 %, just enough to flag; beta's four stray units would make it 1/9
    assert product_rates(shop.alpha.id) == [("Leather Sneaker", "sneaker", "Shoes", 5, 1, 0.2)]
    assert category_rates(shop.alpha.id) == [("Shoes", 5, 1, 0.2)]
    assert top_reasons(shop.alpha.id) == [("wrong_size", 1)]
    assert product_rates(shop.beta.id) == [("Silk Quilt", "quilt", "Bedding", 3, 3, 1.0)]
    page = owner_client.get("/admin/alpha/returns/analytics").text
    assert "20 %" in page and "Silk Quilt" not in page and "Quality problem" not in page
    assert 'data-testid="returns-flagged"' in owner_client.get("/admin/alpha/").text


def test_queue_search_by_order_number_stays_in_the_shop(shop, make, client_for, owner_client):
    alpha_order = make.order(shop.alpha, shop.alice, shop.sneaker, status="completed")
    db.session.commit()
    ask(client_for(shop.alice), alpha_order)
    beta_sells_and_takes_back(shop, make)
    rma = db.session.scalar(
        select(ReturnRequest.rma).where(ReturnRequest.merchant_id == shop.alpha.id)
    )
    assert rma in owner_client.get(f"/admin/alpha/returns/?show=all&q={alpha_order.number}").text
    beta_page = client_for(shop.beta_owner).get(
        f"/admin/beta/returns/?show=all&q={alpha_order.number}"
    )
    assert rma not in beta_page.text


def an_old_order_sent_back_today(shop, make) -> None:
    """Alice bought five sneakers 200 days ago and asks today to return all five."""
    order = make.order(shop.alpha, shop.alice, shop.sneaker, status="completed", quantity=5)
    order.created_at = utcnow() - timedelta(days=200)
    send_back(order, [(order.items[0].id, 5)])
    db.session.commit()


def test_return_rates_count_the_orders_of_the_window_and_their_returns(
    shop, make, client_for, owner_client
):
    five_sneakers_one_back(shop, make, client_for)
    an_old_order_sent_back_today(shop, make)
    beta_sells_and_takes_back(shop, make)

    # the old order's return was asked for today, but it counts with its order: outside 90 days
    recent = [("Leather Sneaker", "sneaker", "Shoes", 5, 1, 0.2)]
    assert product_rates(shop.alpha.id) == recent == product_rates(shop.alpha.id, 30)
    assert category_rates(shop.alpha.id) == [("Shoes", 5, 1, 0.2)]
    assert top_reasons(shop.alpha.id) == [("wrong_size", 1)]
    assert [p.name for p in flagged_products(shop.alpha.id)] == ["Leather Sneaker"]
    for days in (365, None):
        assert product_rates(shop.alpha.id, days) == [
            ("Leather Sneaker", "sneaker", "Shoes", 10, 6, 0.6)
        ]
        assert category_rates(shop.alpha.id, days) == [("Shoes", 10, 6, 0.6)]
        assert top_reasons(shop.alpha.id, days) == [("quality", 1), ("wrong_size", 1)]
    assert product_rates(shop.beta.id, None) == [("Silk Quilt", "quilt", "Bedding", 3, 3, 1.0)]

    default = owner_client.get("/admin/alpha/returns/analytics").text
    assert "Orders placed in the last 90 days" in default and "20 %" in default
    assert "60 %" not in default and "Quality problem" not in default
    everything = owner_client.get("/admin/alpha/returns/analytics?days=all").text
    assert "All orders" in everything and "60 %" in everything and "Silk Quilt" not in everything
    junk = owner_client.get("/admin/alpha/returns/analytics?days=7%27").text
    assert "Orders placed in the last 90 days" in junk
    card = owner_client.get("/admin/alpha/").text
    assert 'data-testid="returns-flagged"' in card and "last 90 days" in card
    assert "20 %" in card and "days=90" in card


def test_the_dashboard_flags_a_product_behind_many_rarely_sold_ones(shop, make):
    """The threshold applies before the card's limit: one-offs returned once rank higher."""
    for product in (shop.duvet, shop.tee):
        order = make.order(shop.alpha, shop.alice, product, status="completed")
        send_back(order, [(order.items[0].id, 1)])
    an_old_order_sent_back_today(shop, make)
    db.session.commit()
    assert flagged_products(shop.alpha.id) == []
    flagged = flagged_products(shop.alpha.id, 365)
    assert [(p.name, p.sold, p.returned, p.rate) for p in flagged] == [
        ("Leather Sneaker", 5, 5, 1.0)
    ]
    assert all(isinstance(p.sold, int) and isinstance(p.rate, float) for p in flagged)


def file_returns(orders: list, count: int, first: int = 0) -> list[str]:
    """`count` requests by the orders' buyer, an hour apart, newest first, cycling through them.

    Their RMAs are RMA-TEST-0000 onwards (from `first`), so a page's list can be read back.
    """
    now, rmas = utcnow(), []
    for n in range(first, first + count):
        order = orders[n % len(orders)]
        rma = f"RMA-TEST-{n:04d}"
        send_back(
            order,
            [(order.items[0].id, 1)],
            reason="wrong_size",
            rma=rma,
            kind="exchange" if n % 2 else "refund",
            created_at=now - timedelta(hours=n),
        )
        rmas.append(rma)
    db.session.commit()
    return rmas


def shown_rmas(page: str) -> list[str]:
    return re.findall(r"<strong>(RMA-TEST-\d{4})</strong>", page)


def test_my_returns_come_twenty_to_a_page_newest_first(shop, delivered, client_for):
    rmas = file_returns([delivered], 25)
    alice = client_for(shop.alice)
    first = alice.get("/shop/alpha/account/returns").text
    assert shown_rmas(first) == rmas[:20]
    assert "Page 1 of 2" in first and "page=2" in first
    assert f"Order {delivered.number}" in first and "1 × Leather Sneaker" in first
    assert shown_rmas(alice.get("/shop/alpha/account/returns?page=2").text) == rmas[20:]
    for past_the_end in ("3", "99", str(10**15)):
        page = alice.get(f"/shop/alpha/account/returns?page={past_the_end}")
        assert page.status_code == 200 and shown_rmas(page.text) == rmas[20:]
        assert "Page 2 of 2" in page.text
    for junk in ("0", "-3", "x"):
        assert shown_rmas(alice.get(f"/shop/alpha/account/returns?page={junk}").text) == rmas[:20]

    bob = client_for(shop.bob).get("/shop/alpha/account/returns?page=2").text
    assert shown_rmas(bob) == [] and "No returns." in bob
    elsewhere = alice.get("/shop/beta/account/returns").text
    assert shown_rmas(elsewhere) == [] and "No returns." in elsewhere


def test_my_returns_queries_do_not_grow(shop, make, client_for, count_queries):
    """A full page of requests, each on its own order, costs what a single request costs."""
    for variant in shop.sneaker.variants:
        variant.stock = 100
    orders = [
        make.order(shop.alpha, shop.alice, shop.sneaker, status="completed") for _ in range(20)
    ]
    db.session.commit()
    alice = client_for(shop.alice)

    def queries() -> int:
        alice.get("/shop/alpha/account/returns")
        # the requests share the test's session: without this, orders it made load for free
        db.session.expire_all()
        with count_queries() as counter:
            assert alice.get("/shop/alpha/account/returns").status_code == 200
        return counter.count

    file_returns(orders, 1)
    few = queries()
    file_returns(orders, 19, first=1)
    assert queries() == few
