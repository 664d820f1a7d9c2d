"""The WeChat channel, tested with the fixtures Storefront publishes for plugin authors."""

import pytest
from sqlalchemy import select
from storefront_wechat_notify.channel import MAX_LENGTH, compose
from storefront_wechat_notify.models import WechatMessage

from storefront import db


@pytest.fixture
def storefront_plugins():
    return ["wechat_notify"]


def _ship(make, shop, shopper):
    from storefront import change_status

    order = make.order(shop.alpha, shopper, shop.sneaker, status="awaiting_shipment")
    change_status(order, "shipped", shop.alpha_owner)
    db.session.commit()
    return order


def _messages():
    return db.session.scalars(select(WechatMessage).order_by(WechatMessage.id)).all()


def test_compose_signs_links_and_cuts():
    text = compose("绵绵", "您的订单已发货", "/shop/x/account/orders/1", "https://shop.example/")
    assert text == "【绵绵】您的订单已发货 https://shop.example/shop/x/account/orders/1"
    long = compose("S", "x" * 500, None, "")
    assert len(long) == MAX_LENGTH and long.endswith("…")


def test_queues_a_message_where_enabled(app, shop, make, enable_plugin, deliver_events):
    shop.alice.phone = "+8613800138000"
    enable_plugin("wechat_notify", shop.alpha, signature="Alpha")
    order = _ship(make, shop, shop.alice)
    deliver_events()
    texts = [m.text for m in _messages()]
    assert any(t.startswith("【Alpha】") and order.number in t for t in texts)
    assert all(m.phone == "+8613800138000" for m in _messages())


def test_nothing_when_off_or_without_phone(app, shop, make, enable_plugin, deliver_events):
    shop.bob.phone = None
    enable_plugin("wechat_notify", shop.alpha)
    _ship(make, shop, shop.bob)
    shop.alice.phone = "+8613800138000"
    beta_quilt_order = make.order(shop.beta, shop.alice, shop.beta_quilt)
    db.session.commit()
    deliver_events()
    assert beta_quilt_order.merchant_id == shop.beta.id
    assert _messages() == []


def test_kinds_filter(app, shop, make, enable_plugin, deliver_events):
    shop.alice.phone = "+8613800138000"
    enable_plugin("wechat_notify", shop.alpha, kinds="returns")
    _ship(make, shop, shop.alice)
    deliver_events()
    assert _messages() == []


def test_invalid_signature_setting_falls_back(app, shop, enable_plugin):
    from storefront import Scope

    enable_plugin("wechat_notify", shop.alpha, signature="far too long a signature")
    scope = Scope(shop.alpha)
    assert scope.settings("wechat_notify")["signature"] == "Shop"
    assert "signature" in scope.state.config_errors["wechat_notify"]


def test_admin_page_lists_only_own_shop(app, shop, make, enable_plugin, deliver_events, client_for):
    shop.alice.phone = "+8613800138000"
    enable_plugin("wechat_notify", shop.alpha, signature="Alpha")
    enable_plugin("wechat_notify", shop.beta, signature="Beta")
    _ship(make, shop, shop.alice)
    deliver_events()
    page = client_for(shop.alpha_owner).get("/admin/alpha/wechat")
    assert page.status_code == 200
    assert "【Alpha】" in page.text
    assert client_for(shop.beta_owner).get("/admin/beta/wechat").text.count("【Alpha】") == 0
    assert client_for(shop.alpha_owner).get("/admin/beta/wechat").status_code == 403
    assert client_for(shop.alice).get("/admin/alpha/wechat").status_code == 403


def test_admin_page_is_404_where_off(app, shop, client_for):
    assert client_for(shop.alpha_owner).get("/admin/alpha/wechat").status_code == 404


def test_acts_only_where_it_is_on(scope_conformance):
    """Storefront's published check: no message about an order of products it is off for."""
    assert scope_conformance("wechat_notify") == []


def test_no_message_about_shoes_where_it_is_off_for_shoes(
    app, shop, make, enable_plugin, disable_plugin, deliver_events
):
    shop.alice.phone = "+8613800138000"
    enable_plugin("wechat_notify", shop.alpha, signature="Alpha")
    disable_plugin("wechat_notify", shop.alpha, shop.shoes)
    _ship(make, shop, shop.alice)
    deliver_events()
    assert _messages() == []
    duvet_order = make.order(shop.alpha, shop.alice, shop.duvet, status="shipped")
    db.session.commit()
    deliver_events()
    assert any(duvet_order.number in m.text for m in _messages())
