"""Which entries, questions and size tables a page shows."""

from __future__ import annotations

from sqlalchemy import case, func, or_, select

from storefront import Category, Product, db

from .models import FaqEntry, FaqQuestion, FaqSizeGuide
from .size_guides import DEFAULT_NOTES, DEFAULT_TABLES


def _about_product(product: Product):
    return (
        FaqEntry.merchant_id == product.merchant_id,
        FaqEntry.published.is_(True),
        or_(
            FaqEntry.product_id == product.id,
            (FaqEntry.category_id == product.category_id) & FaqEntry.product_id.is_(None),
            FaqEntry.category_id.is_(None) & FaqEntry.product_id.is_(None),
        ),
    )


def answers_about(product: Product):
    """Published entries for this product first, then its category's, then the shop's."""
    specificity = case(
        (FaqEntry.product_id.is_not(None), 0), (FaqEntry.category_id.is_not(None), 1), else_=2
    )
    return (
        select(FaqEntry)
        .where(*_about_product(product))
        .order_by(specificity, FaqEntry.position, FaqEntry.id)
    )


def first_answers(product: Product, limit: int) -> tuple[list[FaqEntry], bool]:
    """The first `limit` answers and whether there are more: one short query, no count.

    Counting every matching entry (or a window count) makes the database read them all on
    every product page; one extra row answers "is there more" as well.
    """
    entries = list(db.session.scalars(answers_about(product).limit(limit + 1)))
    return entries[:limit], len(entries) > limit


def open_question_count(merchant_id: int) -> int:
    return db.session.scalar(
        select(func.count(FaqQuestion.id)).where(
            FaqQuestion.merchant_id == merchant_id, FaqQuestion.status == "open"
        )
    )


def has_size_guide(category: Category) -> bool:
    """Bedding, shoes and apparel always have one (the default table): no query for those."""
    return category.kind in DEFAULT_TABLES or size_guide(category) is not None


def size_guide(category: Category) -> tuple[dict, str] | None:
    """The category's own table, else the default of its kind; None for kinds without one."""
    own = db.session.scalar(
        select(FaqSizeGuide).where(
            FaqSizeGuide.merchant_id == category.merchant_id,
            FaqSizeGuide.category_id == category.id,
        )
    )
    if own is not None:
        return own.table, own.note
    if category.kind in DEFAULT_TABLES:
        return DEFAULT_TABLES[category.kind], str(DEFAULT_NOTES[category.kind])
    return None
