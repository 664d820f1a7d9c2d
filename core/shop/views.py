"""Import every view module so their routes attach to the blueprint."""

from . import account, catalogue, checkout, security  # noqa: F401
from .blueprint import shop_bp

__all__ = ["shop_bp"]
