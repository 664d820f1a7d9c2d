"""The shopper's storefront under /shop/<merchant>/ (catalogue, cart, checkout, account)."""

from .views import shop_bp

__all__ = ["shop_bp"]
