"""The merchant admin under /admin/<merchant>/: dashboard, orders, products, plugins, settings."""

from . import (  # noqa: F401  (routes)
    api_key_pages,
    categories,
    dashboard,
    inbox,
    orders,
    plugins,
    products,
    settings,
)
from .blueprint import admin_bp

__all__ = ["admin_bp"]
