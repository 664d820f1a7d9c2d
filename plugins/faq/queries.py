"""Which entries, questions and size tables a page shows."""

from __future__ import annotations

import functools

from sqlalchemy import Select, bindparam, case, func, or_, select
from sqlalchemy.orm import selectinload

from storefront import Category, Merchant, Product, db, scope_of, tenant_select

from .models import FaqEntry, FaqQuestion, FaqSizeGuide
from .size_guides import DEFAULT_NOTES, DEFAULT_TABLES

# The answers about a product come most particular first: the product's own, its category's,
# then the shop's; the shop's order within each.
SPECIFICITY = {"product": 0, "category": 1, "shop": 2}
ANSWER_ORDER = (
    case(
        (FaqEntry.product_id.is_not(None), SPECIFICITY["product"]),
        (FaqEntry.category_id.is_not(None), SPECIFICITY["category"]),
        else_=SPECIFICITY["shop"],
    ),
    FaqEntry.position,
    FaqEntry.id,
)


def answer_position(entry: FaqEntry) -> list[int]:
    """Where `entry` stands in ANSWER_ORDER, computed from the row (a cursor's values)."""
    return [SPECIFICITY[entry.scope_kind], entry.position, entry.id]


@functools.cache
def _answers_statement() -> Select:
    """Built once per process: constructing this select costs more than running it."""
    return (
        select(FaqEntry)
        .where(
            FaqEntry.merchant_id == bindparam("merchant_id"),
            FaqEntry.published.is_(True),
            or_(
                FaqEntry.product_id == bindparam("product_id"),
                (FaqEntry.category_id == bindparam("category_id")) & FaqEntry.product_id.is_(None),
                FaqEntry.category_id.is_(None) & FaqEntry.product_id.is_(None),
            ),
        )
        .order_by(*ANSWER_ORDER)
    )


@functools.cache
def _first_answers_statement(rows: int) -> Select:
    return _answers_statement().limit(rows)


def _about(product: Product) -> dict[str, int]:
    return {
        "merchant_id": product.merchant_id,
        "product_id": product.id,
        "category_id": product.category_id,
    }


def answers_about(product: Product) -> Select:
    """Published entries for this product first, then its category's, then the shop's."""
    return _answers_statement().params(**_about(product))


def first_answers(product: Product, limit: int) -> tuple[list[FaqEntry], bool]:
    """The first `limit` answers and whether there are more: one short query, no count.

    Counting every matching entry (or a window count) makes the database read them all on
    every product page; one extra row answers "is there more" as well.
    """
    entries = list(db.session.scalars(_first_answers_statement(limit + 1), _about(product)))
    return entries[:limit], len(entries) > limit


def where_offered(found: Select, merchant: Merchant) -> Select:
    """`found` without the answers about categories, or their products, where the FAQ is off.

    The help centre is the whole shop's page, but an answer about a product or a category
    belongs to that category: where the FAQ is off it is not offered, here either. Answers
    for the whole shop stay. One settings look-up per category; no clause when all are on.
    """
    off = [c.id for c in merchant.categories if not scope_of(c).enabled("faq")]
    if not off:
        return found
    products_off = select(Product.id).where(
        Product.merchant_id == merchant.id, Product.category_id.in_(off)
    )
    return found.where(
        FaqEntry.category_id.is_(None) | FaqEntry.category_id.not_in(off),
        FaqEntry.product_id.is_(None) | FaqEntry.product_id.not_in(products_off),
    )


NOTE_TOPICS = ("care", "material")


def notes_about(product: Product, limit: int = 20) -> list[FaqEntry]:
    """The product's care and material answers, most particular first (a card of their own)."""
    found = answers_about(product).where(FaqEntry.topic.in_(NOTE_TOPICS)).limit(limit)
    return list(db.session.scalars(found))


# A shopper's own questions, newest first.
QUESTIONS_ORDER = (FaqQuestion.created_at.desc(), FaqQuestion.id.desc())


def questions_of(user_id: int) -> Select:
    """The shopper's questions to this shop, with what they were about."""
    return (
        tenant_select(FaqQuestion)
        .where(FaqQuestion.user_id == user_id)
        .options(selectinload(FaqQuestion.product))
    )


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
