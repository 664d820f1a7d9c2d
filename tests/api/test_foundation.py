"""The API's common manners: errors, languages, auth, cookies, paging, ETags, CORS, spec."""

from __future__ import annotations

from storefront.extensions import db
from storefront.testing import bearer, merchant_key


def test_spec_is_openapi_31_and_lists_the_catalogue(client, shop):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.1")
    assert "/api/v1/shops/{merchant}/products/{product_slug}" in spec["paths"]
    assert "ErrorBody" in str(spec["components"]["schemas"])


def test_reference_page_is_served_locally(client):
    page = client.get("/api/v1/reference")
    assert page.status_code == 200
    assert b"https://" not in page.data
    asset = client.get("/api/v1/reference/assets/js/swagger-ui-bundle.js")
    assert asset.status_code == 200 and len(asset.data) > 100_000


def test_unknown_shop_is_a_json_404_in_the_callers_language(client, shop):
    answer = client.get("/api/v1/shops/nope", headers={"Accept-Language": "zh-CN"})
    assert answer.status_code == 404
    error = answer.get_json()["error"]
    assert error["code"] == "not_found"
    assert error["message"] != "We could not find that."
    english = client.get("/api/v1/shops/nope").get_json()["error"]
    assert english["message"] == "We could not find that."


def test_product_detail_has_variants_and_stock(client, shop):
    body = client.get("/api/v1/shops/alpha/products/sneaker").get_json()
    assert body["name"] == "Leather Sneaker"
    assert {v["size"] for v in body["variants"]} == {"38", "39", "40", "41", "42"}
    assert body["price"]["amount_minor"] == 69900


def test_products_are_paged_by_cursor_without_repeats(client, shop):
    first = client.get("/api/v1/shops/alpha/products?limit=2").get_json()
    assert len(first["items"]) == 2 and first["next_cursor"]
    second = client.get(f"/api/v1/shops/alpha/products?limit=2&cursor={first['next_cursor']}")
    rest = second.get_json()
    names = [p["name"] for p in first["items"] + rest["items"]]
    assert sorted(names) == ["Cotton Tee", "Leather Sneaker", "Linen Duvet Cover"]
    assert rest["next_cursor"] is None


def test_bad_query_names_the_field(client, shop):
    answer = client.get("/api/v1/shops/alpha/products?limit=0")
    assert answer.status_code == 400
    assert answer.get_json()["error"]["field"] == "limit"
    forged = client.get("/api/v1/shops/alpha/products?cursor=bm9wZQ")
    assert forged.status_code == 400
    assert forged.get_json()["error"]["field"] == "cursor"


def test_reads_carry_an_etag_and_answer_304(client, shop):
    first = client.get("/api/v1/shops/alpha/products/duvet")
    etag = first.headers["ETag"]
    again = client.get("/api/v1/shops/alpha/products/duvet", headers={"If-None-Match": etag})
    assert again.status_code == 304


def test_password_login_gives_a_token_that_can_be_revoked(client, shop):
    wrong = client.post("/api/v1/auth/token", json={"email": "alice@example.com", "password": "x"})
    assert wrong.status_code == 401
    assert wrong.get_json()["error"]["field"] == "password"
    answer = client.post(
        "/api/v1/auth/token", json={"email": "ALICE@example.com", "password": shop.password}
    )
    assert answer.status_code == 201
    headers = {"Authorization": f"Bearer {answer.get_json()['token']}"}
    assert client.delete("/api/v1/auth/token", headers=headers).status_code == 200
    assert client.delete("/api/v1/auth/token", headers=headers).status_code == 401


def test_cookies_are_ignored_by_the_api(shopper_client, shop):
    """A signed-in browser session opens nothing under /api/: only bearer tokens do."""
    assert shopper_client.delete("/api/v1/auth/token").status_code == 401


def test_api_writes_need_no_csrf_token(app, client, shop):
    app.config["WTF_CSRF_ENABLED"] = True
    answer = client.delete("/api/v1/auth/token", headers=bearer(shop.alice))
    assert answer.status_code == 200


def test_an_api_key_is_not_a_shopper(client, shop):
    headers = merchant_key(shop.alpha, shop.alpha_owner)
    assert client.delete("/api/v1/auth/token", headers=headers).status_code == 401


def test_cors_only_for_origins_the_merchant_lists(client, shop):
    shop.alpha.api_origins = ["https://app.alpha.example"]
    db.session.commit()
    listed = client.options(
        "/api/v1/shops/alpha/products",
        headers={"Origin": "https://app.alpha.example", "Access-Control-Request-Method": "GET"},
    )
    assert listed.headers["Access-Control-Allow-Origin"] == "https://app.alpha.example"
    assert "Idempotency-Key" in listed.headers["Access-Control-Allow-Headers"]
    other = client.get(
        "/api/v1/shops/beta/products", headers={"Origin": "https://app.alpha.example"}
    )
    assert "Access-Control-Allow-Origin" not in other.headers


def test_a_picture_uploads_privately_and_only_its_owner_can_claim_it(app, client, shop, tmp_path):
    import io

    from PIL import Image

    from storefront.api import claim_uploads

    picture = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(picture, "PNG")
    form = {"file": (io.BytesIO(picture.getvalue()), "p.png")}
    answer = client.post(
        "/api/v1/shops/alpha/uploads",
        data=form,
        content_type="multipart/form-data",
        headers=bearer(shop.alice),
    )
    assert answer.status_code == 201, answer.get_json()
    token = answer.get_json()["token"]
    assert client.get(answer.get_json()["image"]["url"]).status_code == 404  # private
    not_a_picture = client.post(
        "/api/v1/shops/alpha/uploads",
        data={"file": (io.BytesIO(b"hello"), "x.png")},
        content_type="multipart/form-data",
        headers=bearer(shop.alice),
    )
    assert not_a_picture.status_code == 400
    assert not_a_picture.get_json()["error"]["field"] == "file"
    from flask import g

    from storefront.api.errors import ApiError
    from storefront.auth.sessions import load

    with app.test_request_context("/api/v1/shops/alpha/x"):
        g.merchant = shop.alpha
        g._login_user = load(bearer(shop.bob)["Authorization"][7:])
        try:
            claim_uploads([token], "review")
        except ApiError as error:
            assert error.field == "photos"
        else:
            raise AssertionError("bob claimed alice's picture")
        g._login_user = load(bearer(shop.alice)["Authorization"][7:])
        assert [u.token for u in claim_uploads([token], "review")] == [token]


def test_form_posts_are_refused_with_415(client, shop):
    answer = client.post("/api/v1/auth/token", data={"email": "a", "password": "b"})
    assert answer.status_code == 415
    assert answer.get_json()["error"]["field"] == "body"


def test_each_token_has_its_own_rate_limit(app, client, shop):
    app.config["API_RATE_LIMIT"] = "3 per minute"
    alice, bob = bearer(shop.alice), bearer(shop.bob)
    paths = ["/api/v1/shops/alpha", "/api/v1/shops/alpha/categories", "/api/v1/shops"] * 2
    answers = [client.get(path, headers=alice).status_code for path in paths[:4]]
    assert answers == [200, 200, 200, 429]  # one budget over every endpoint
    limited = client.get("/api/v1/shops/alpha", headers=alice)
    assert limited.get_json()["error"]["code"] == "rate_limited"
    assert "Retry-After" in limited.headers
    assert client.get("/api/v1/shops/alpha", headers=bob).status_code == 200


def test_the_spec_command_writes_the_served_document(app, client, tmp_path):
    import json

    target = tmp_path / "openapi.json"
    result = app.test_cli_runner().invoke(args=["api", "spec", "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert json.loads(target.read_text()) == client.get("/api/v1/openapi.json").get_json()
