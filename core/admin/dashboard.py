"""The dashboard: what needs doing today, the plugins' cards, and configuration problems."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app, g
from sqlalchemy import func, select

from ..extensions import db
from ..models import Category, Order, utcnow
from ..rendering import render_template
from ..scopes import Scope
from ..tenancy import tenant_select
from .blueprint import admin_bp


def order_counters() -> dict[str, int]:
    """Three figures in one query: orders since midnight UTC, to ship, revenue this week."""
    now = utcnow()
    today = now.replace(hour=0, minute=0, second=0, microsecond=0)
    week = now - timedelta(days=7)
    paid = Order.status.in_(("awaiting_shipment", "shipped", "completed"))
    row = db.session.execute(
        select(
            func.count(Order.id).filter(Order.created_at >= today),
            func.count(Order.id).filter(Order.status == "awaiting_shipment"),
            func.coalesce(func.sum(Order.total_minor).filter(paid, Order.created_at >= week), 0),
        ).where(Order.merchant_id == g.merchant.id)
    ).one()
    return {"today": row[0], "to_ship": row[1], "revenue_week": row[2]}


def configuration_problems() -> list[str]:
    """Conflicting replacers and stored settings that no longer validate, in any scope."""
    manager = current_app.extensions["storefront"].plugins
    categories = db.session.scalars(tenant_select(Category).order_by(Category.position)).all()
    problems: list[str] = []
    for category in [None, *categories]:
        state = Scope(g.merchant, category).state
        where = category.name if category else None
        for problem in state.problems:
            problems.append(f"{where}: {problem}" if where else problem)
        for name, errors in state.config_errors.items():
            fields = ", ".join(sorted(errors))
            title = str(manager.info(name).title)
            problems.append(f"{where}: {title}: {fields}" if where else f"{title}: {fields}")
    return problems


@admin_bp.route("/admin/<merchant>/")
def dashboard():
    return render_template(
        "admin/dashboard.html",
        counters=order_counters(),
        problems=configuration_problems(),
    )
