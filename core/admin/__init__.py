"""The merchant admin under /admin/<merchant>/: dashboard, orders, products, plugins, settings."""

from . import categories, dashboard, inbox, orders, plugins, products, settings  # noqa: F401  (routes)
from .blueprint import admin_bp

__all__ = ["admin_bp"]
