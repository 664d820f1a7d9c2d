from __future__ import annotations

from flask import Blueprint, g
from flask_login import current_user
from sqlalchemy import select

from .. import cart
from ..extensions import db
from ..models import Category

shop_bp = Blueprint("shop", __name__)


@shop_bp.app_context_processor
def shop_context():
    """What every themed page needs: the shop, its categories and the cart badge."""
    merchant = getattr(g, "merchant", None)
    if merchant is None:
        return {}
    if not hasattr(g, "nav_categories"):
        g.nav_categories = list(
            db.session.scalars(
                select(Category)
                .where(Category.merchant_id == merchant.id)
                .order_by(Category.position)
            )
        )
    context = {
        "shop": merchant,
        "nav_categories": g.nav_categories,
        "cart_count": cart.count(merchant),
        "staff_role": current_user.role_in(merchant.id) if current_user.is_authenticated else None,
    }
    return context
