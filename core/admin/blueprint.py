"""The merchant admin's blueprint and what every admin page needs in its templates."""

from __future__ import annotations

from flask import Blueprint, g, request

from ..tenancy import staff_role

admin_bp = Blueprint("admin", __name__)

PER_PAGE = 25


@admin_bp.app_context_processor
def admin_context() -> dict:
    """The role decides which links the sidebar shows; only set inside a shop's admin."""
    if getattr(g, "merchant", None) is None or not request.path.startswith("/admin/"):
        return {}
    return {"staff_role": staff_role()}
