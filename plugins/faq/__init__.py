"""FAQ and size guides: answers where the shopper looks, and questions the shop answers."""

from __future__ import annotations

from flask import url_for
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup

from storefront import Link, PluginInfo, cached_fragment, hookimpl, render_template
from storefront import lazy_gettext as _l

from . import models  # noqa: F401  (tables)
from .forms import FaqSettings

info = PluginInfo(
    name="faq",
    title=_l("FAQ and size guides"),
    description=_l("Answers per product, category and shop; size guides; questions from shoppers."),
    version="1.0.0",
    default_enabled=True,
    settings_form=FaqSettings,
    default_settings={
        "on_product_page": True,
        "allow_questions": True,
        "shown": 5,
        "size_guide_link": True,
    },
)


@hookimpl
def init_app(app):
    from .admin_views import admin_bp
    from .api import faq_api
    from .shop_views import shop_bp

    app.register_blueprint(shop_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(faq_api)


@hookimpl
def product_sections(product, scope):
    from .queries import first_answers
    from .shop_views import own_questions_about

    settings = scope.settings("faq")
    if not settings["on_product_page"]:
        return None
    # The page carries the first few; the rest live on the product's answers page, so a
    # product with fifty answers costs the product page no more than one with five.
    entries, more = first_answers(product, settings["shown"])

    def render() -> Markup:
        return Markup(
            render_template(
                "faq/section.html",
                product=product,
                entries=entries,
                more=more,
                allow_questions=settings["allow_questions"],
                mine=own_questions_about(product),
            )
        )

    shown = tuple((e.id, e.updated_at) for e in entries)
    key = ("faq", product.id, product.slug, more, settings["allow_questions"], shown)
    return cached_fragment(key, render)


@hookimpl
def variant_picker_links(product, scope):
    from .queries import has_size_guide

    if not scope.settings("faq")["size_guide_link"] or not has_size_guide(product.category):
        return None
    url = url_for("faq.size_guide", category_slug=product.category.slug)
    return Markup('<a class="size-guide-link" href="%s">%s</a>') % (url, _l("Size guide"))


@hookimpl
def head_tags(page, obj, scope):
    if page != "faq_help" or not obj:
        return None
    data = {
        "@context": "https://schema.org",
        "@type": "FAQPage",
        "mainEntity": [
            {
                "@type": "Question",
                "name": entry.question,
                "acceptedAnswer": {"@type": "Answer", "text": entry.answer},
            }
            for entry in obj
        ],
    }
    return Markup('<script type="application/ld+json">%s</script>') % htmlsafe_json_dumps(data)


@hookimpl
def footer_links(scope):
    return [Link(url_for("faq.help_page"), _l("Help & FAQ"))]


@hookimpl
def account_links(user, scope):
    return [Link(url_for("faq.my_questions"), _l("My questions"))]


@hookimpl
def admin_nav(merchant, scope):
    from .queries import open_question_count

    return [Link(url_for("faq_admin.entries"), _l("FAQ"), open_question_count(merchant.id) or None)]


@hookimpl
def admin_cards(merchant, scope):
    from .queries import open_question_count

    return Markup(
        render_template("faq/admin/card.html", open_questions=open_question_count(merchant.id))
    )


@hookimpl
def seed_demo(merchant, categories, shoppers, staff):
    from .demo import seed

    seed(merchant, categories, shoppers, staff)


@hookimpl
def export_merchant_data(merchant):
    from .transfer import export_rows

    return export_rows(merchant)


@hookimpl
def import_merchant_data(merchant, data):
    from .transfer import import_rows

    import_rows(merchant, data.get("faq"))
