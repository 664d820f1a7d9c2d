"""Reviews: verified reviews with photos and fit questions, moderation, replies, alerts."""

from __future__ import annotations

import click
from flask import current_app, url_for
from flask.cli import with_appcontext
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup

from storefront import Link, PluginInfo, cached_fragment, hookimpl, render_template
from storefront import lazy_gettext as _l

from . import models  # noqa: F401  (tables)
from .forms import ReviewSettings

info = PluginInfo(
    name="reviews",
    title=_l("Reviews"),
    description=_l("Verified reviews with photos and fit questions, moderation and replies."),
    version="1.0.0",
    default_enabled=True,
    settings_form=ReviewSettings,
    default_settings={
        "moderation": "publish",
        "hold_low_stars": 0,
        "banned_words": "",
        "alert_threshold": 2,
        "invite_delay_days": 0,
        "reminder_days": 7,
        "per_page": 10,
    },
)


@click.command("send-invitations")
@with_appcontext
def send_invitations_command():
    """Send review invitations and reminders that are due (run it hourly from cron)."""
    from storefront import db

    from .invitations import send_due

    with current_app.test_request_context("/", base_url=current_app.config["STOREFRONT_BASE_URL"]):
        sent = send_due()
        db.session.commit()
    click.echo(f"{sent} invitation(s) sent")


@hookimpl
def init_app(app):
    from .admin_views import admin_bp
    from .api import reviews_api
    from .questions import answer_label
    from .shop_views import shop_bp
    from .stars import stars

    app.register_blueprint(shop_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(reviews_api)
    app.add_template_global(answer_label, "reviews_answer_label")
    app.add_template_global(stars, "reviews_stars")
    group = click.Group("reviews", help="Reviews: invitations.")
    group.add_command(send_invitations_command)
    app.cli.add_command(group)


@hookimpl
def worker_tick(merchant, now):
    from .invitations import send_due

    send_due(merchant, now)


@hookimpl
def product_list_loaded(products, scope):
    from .queries import load_summaries

    load_summaries(products)


@hookimpl
def product_badges(product, scope):
    from .queries import summary_of

    summary = summary_of(product)
    if summary is None or not summary.count:
        return None
    return Markup(render_template("reviews/badge.html", summary=summary, product=product))


@hookimpl
def product_sections(product, scope):
    from .queries import newest_three, recent_photos, summary_of
    from .questions import summary_lines

    summary = summary_of(product)
    listing = newest_three(product, summary)

    def render() -> Markup:
        return Markup(
            render_template(
                "reviews/section.html",
                product=product,
                summary=summary,
                listing=listing,
                fit_lines=summary_lines(summary.answers) if summary else [],
                gallery=recent_photos(product, summary),
            )
        )

    if summary is not None and summary.with_photos:
        return render()  # photos change without touching the rows the key is made of
    shown = (
        (summary.count, summary.total, repr(summary.histogram), repr(summary.answers))
        if summary
        else None
    )
    reviews = tuple((r.id, r.updated_at, r.user.name) for r in listing.reviews)
    return cached_fragment(("reviews", product.id, product.slug, shown, reviews), render)


@hookimpl
def head_tags(page, obj, scope):
    from .queries import newest_three, summary_of

    if page != "product":
        return None
    summary = summary_of(obj)
    if summary is None or not summary.count:
        return None
    listing = newest_three(obj, summary)
    data = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": obj.name,
        "aggregateRating": {
            "@type": "AggregateRating",
            "ratingValue": summary.average,
            "reviewCount": summary.count,
        },
        "review": [
            {
                "@type": "Review",
                "name": r.title,
                "reviewBody": r.body,
                "author": {"@type": "Person", "name": r.user.name},
                "reviewRating": {"@type": "Rating", "ratingValue": r.stars},
            }
            for r in listing.reviews
        ],
    }
    return Markup('<script type="application/ld+json">%s</script>') % htmlsafe_json_dumps(data)


@hookimpl
def order_panels(order, lines):
    if order.status != "completed":
        return None
    return Markup(render_template("reviews/order_panel.html", order=order, lines=lines))


@hookimpl
def order_item_states(item, scope):
    from sqlalchemy import select

    from storefront import db

    from .models import Review

    reviewed = db.session.scalar(select(Review.id).where(Review.order_item_id == item.id))
    return {"reviewed"} if reviewed else set()


@hookimpl
def order_status_changed(order, new, lines):
    from .invitations import plan

    if new == "completed":
        plan(order, lines)


@hookimpl
def account_links(user, scope):
    return [Link(url_for("reviews.mine"), _l("My reviews"))]


@hookimpl
def admin_nav(merchant, scope):
    from sqlalchemy import func, select

    from storefront import db

    from .models import Review

    waiting = db.session.scalar(
        select(func.count(Review.id)).where(
            Review.merchant_id == merchant.id, Review.status == "pending"
        )
    )
    return [Link(url_for("reviews_admin.queue"), _l("Reviews"), waiting or None)]


@hookimpl
def admin_cards(merchant, scope):
    from .dashboard import cards

    return Markup(render_template("reviews/admin/cards.html", **cards(merchant)))


@hookimpl
def seed_demo(merchant, categories, shoppers, staff):
    from .demo import seed

    seed(merchant, shoppers)


@hookimpl
def export_merchant_data(merchant):
    from .transfer import export_rows

    return export_rows(merchant)


@hookimpl
def import_merchant_data(merchant, data):
    from .transfer import import_rows

    import_rows(merchant, data.get("reviews"))
