"""A shopper's and a merchant's whole day through the JSON API, against the production server.

`storefront serve --workers 3` on the test's database, called with `requests` as a
mini-program would: no cookies, bearer tokens, an Idempotency-Key on the writes that a
mobile network retries. Each step checks what the other side then sees.
"""

from __future__ import annotations

import io
import uuid

import pytest
import requests
from PIL import Image

from storefront.admin.api_keys import create_key
from storefront.extensions import db
from tests.live_server import at_once

TIMEOUT = 30


class Api:
    """A client of one shop's API with one bearer credential."""

    def __init__(self, base: str, shop: str, credential: str | None = None) -> None:
        self.root = f"{base}/api/v1"
        self.shop = f"{self.root}/shops/{shop}"
        self.headers = {"Authorization": f"Bearer {credential}"} if credential else {}

    def call(self, method: str, path: str, expect: int = 200, **kwargs) -> dict:
        url = path if path.startswith("http") else f"{self.shop}{path}"
        headers = {**self.headers, **kwargs.pop("headers", {})}
        answer = requests.request(method, url, headers=headers, timeout=TIMEOUT, **kwargs)
        assert answer.status_code == expect, (method, path, answer.status_code, answer.text)
        return answer.json() if answer.content else {}

    def get(self, path: str, expect: int = 200, **kwargs) -> dict:
        return self.call("GET", path, expect, **kwargs)

    def post(self, path: str, body: dict | None = None, expect: int = 200, **kwargs) -> dict:
        return self.call("POST", path, expect, json=body or {}, **kwargs)


def picture() -> bytes:
    data = io.BytesIO()
    Image.new("RGB", (64, 48), "teal").save(data, "JPEG")
    return data.getvalue()


@pytest.fixture
def merchant_secret(shop):
    _key, secret = create_key(
        shop.alpha,
        shop.alpha_owner,
        "warehouse",
        [
            "orders:read",
            "orders:write",
            "returns:write",
            "reviews:write",
            "contact:write",
            "plugins:read",
            "plugins:write",
            "questions:write",
        ],
    )
    db.session.commit()
    return secret


def test_shopper_and_merchant_through_the_api(shop, live_storefront, merchant_secret):
    anonymous = Api(live_storefront, "alpha")
    login = anonymous.post(
        f"{anonymous.root}/auth/token",
        {"email": shop.alice.email, "password": shop.password, "client": "mini-program"},
        expect=201,
    )
    alice = Api(live_storefront, "alpha", login["token"])
    owner = Api(live_storefront, "alpha", merchant_secret)

    # Browse and buy: the checkout is sent twice at once with one key, as a retry would be.
    bedding = anonymous.get("/products?category=bedding")["items"]
    assert [p["slug"] for p in bedding] == ["duvet"]
    duvet = anonymous.get("/products/duvet")
    variant = duvet["variants"][0]["id"]
    alice.call("PUT", f"/cart/lines/{variant}", json={"quantity": 1})
    assert alice.get("/cart")["lines"][0]["quantity"] == 1
    checkout = {
        "address": {
            "recipient": "Alice",
            "phone": "13800138000",
            "line1": "1 Linen Road",
            "city": "Hangzhou",
        },
        "payment": "test",
    }
    key = {"Idempotency-Key": str(uuid.uuid4())}
    twice = at_once(
        [
            lambda: requests.post(
                f"{alice.shop}/checkout",
                json=checkout,
                headers={**alice.headers, **key},
                timeout=TIMEOUT,
            )
        ]
        * 2
    )
    placed = [a.json()["number"] for a in twice if a.status_code == 201]
    assert placed and len(set(placed)) == 1, [(a.status_code, a.text) for a in twice]
    assert all(a.status_code in (201, 409) for a in twice)
    number = placed[0]
    assert [o["number"] for o in alice.get("/orders")["items"]] == [number]

    # The merchant finds the order and ships it; the shopper sees the parcel.
    assert number in [o["number"] for o in owner.get("/admin/orders")["items"]]
    owner.post(
        f"/admin/orders/{number}/shipments",
        {"carrier": "sf", "tracking_number": "SF123456789012"},
        expect=201,
    )
    parcels = alice.get(f"/orders/{number}/shipments")["items"]
    assert parcels[0]["tracking_number"] == "SF123456789012"
    owner.post(f"/admin/orders/{number}/status", {"status": "completed"})

    # A return with a photo: asked, approved, received, refunded.
    lines = alice.get(f"/orders/{number}/returns/eligibility")["lines"]
    line = lines[0]["order_item_id"]
    upload = requests.post(
        f"{alice.shop}/uploads",
        files={"file": ("duvet.jpg", picture(), "image/jpeg")},
        headers=alice.headers,
        timeout=TIMEOUT,
    )
    assert upload.status_code == 201, upload.text
    asked = alice.post(
        f"/orders/{number}/returns",
        {
            "kind": "return",
            "lines": [{"order_item_id": line, "quantity": 1, "reason": "quality"}],
            "photos": [upload.json()["token"]],
        },
        expect=201,
        headers={"Idempotency-Key": str(uuid.uuid4())},
    )
    rma = asked["rma"]
    owner.post(f"/admin/returns/{rma}/approve")
    owner.post(f"/admin/returns/{rma}/receive")
    owner.post(f"/admin/returns/{rma}/refund")
    assert alice.get(f"/returns/{rma}")["status"] == "refunded"

    # A review, moderated and answered, then public.
    review = alice.post(
        "/products/duvet/reviews", {"stars": 5, "text": "Soft, and it washes well."}, expect=201
    )
    owner.post(f"/admin/reviews/{review['id']}/moderation", {"action": "publish"})
    owner.post(f"/admin/reviews/{review['id']}/reply", {"text": "Thank you, Alice!"})
    public = anonymous.get("/products/duvet/reviews")["items"]
    assert [r["id"] for r in public] == [review["id"]]

    # A question to the shop, answered by an agent, closed with a rating.
    thread = alice.post(
        "/contact-requests",
        {"topic": "presale", "message": "Is the linen pre-washed?", "product": "duvet"},
        expect=201,
    )
    queue = owner.get("/admin/contact-requests")["items"]
    assert thread["id"] in [item["id"] for item in queue]
    owner.post(
        f"/admin/contact-requests/{thread['id']}/messages", {"text": "Yes, it is."}, expect=201
    )
    messages = alice.get(f"/contact-requests/{thread['id']}")["messages"]
    assert "Yes, it is." in [m["text"] for m in messages]
    alice.post(f"/contact-requests/{thread['id']}/close", {"rating": "satisfied"})

    # The merchant switches reviews off for shoes: the sneaker's reviews are gone from the API.
    owner.call("PUT", "/admin/plugins/reviews", json={"category": "shoes", "enabled": False})
    anonymous.get("/products/sneaker/reviews", expect=404)
    anonymous.get("/products/duvet/reviews")

    # Signing out ends the token for every later call.
    alice.call("DELETE", f"{alice.root}/auth/token")
    alice.get("/orders", expect=401)
