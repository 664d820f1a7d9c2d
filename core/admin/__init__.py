"""The merchant admin under /admin/<merchant>/."""

from .views import admin_bp

__all__ = ["admin_bp"]
