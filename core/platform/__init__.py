"""The platform admin under /platform/: which plugins merchants may use, failed events."""

from .views import platform_bp

__all__ = ["platform_bp"]
