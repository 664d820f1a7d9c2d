def test_home_lists_products(shop, client):
    response = client.get("/shop/alpha/")
    assert response.status_code == 200
    assert "Leather Sneaker" in response.text
    assert "Silk Quilt" not in response.text
