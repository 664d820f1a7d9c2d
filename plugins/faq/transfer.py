"""Moving a shop's FAQ between installations, by natural keys."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from storefront import Category, Product, User, db

from .models import FaqEntry, FaqQuestion, FaqSizeGuide


def export_rows(merchant) -> dict[str, Any]:
    def slug(model, ident):
        return db.session.get(model, ident).slug if ident else None

    entries = db.session.scalars(select(FaqEntry).where(FaqEntry.merchant_id == merchant.id))
    questions = db.session.scalars(
        select(FaqQuestion).where(FaqQuestion.merchant_id == merchant.id)
    )
    guides = db.session.scalars(select(FaqSizeGuide).where(FaqSizeGuide.merchant_id == merchant.id))
    return {
        "entries": [
            {
                "category": slug(Category, e.category_id),
                "product": slug(Product, e.product_id),
                "topic": e.topic,
                "question": e.question,
                "answer": e.answer,
                "position": e.position,
                "published": e.published,
                "helpful": e.helpful,
                "not_helpful": e.not_helpful,
            }
            for e in entries
        ],
        "questions": [
            {
                "product": slug(Product, q.product_id),
                "user": q.user.email,
                "text": q.text,
                "answer": q.answer,
                "status": q.status,
            }
            for q in questions
        ],
        "size_guides": [
            {"category": slug(Category, s.category_id), "table": s.table, "note": s.note}
            for s in guides
        ],
    }


def import_rows(merchant, data: dict[str, Any] | None) -> None:
    if not data:
        return

    def find(model, key, value, **extra):
        if value is None:
            return None
        query = select(model.id).where(getattr(model, key) == value)
        for name, wanted in extra.items():
            query = query.where(getattr(model, name) == wanted)
        return db.session.scalar(query)

    def category_id(slug):
        return find(Category, "slug", slug, merchant_id=merchant.id)

    def product_id(slug):
        return find(Product, "slug", slug, merchant_id=merchant.id)

    for row in data.get("entries", []):
        entry = FaqEntry(
            merchant_id=merchant.id,
            category_id=category_id(row["category"]),
            product_id=product_id(row["product"]),
            topic=row["topic"],
            question=row["question"],
            answer=row["answer"],
            position=row.get("position", 0),
            published=row.get("published", True),
            helpful=row.get("helpful", 0),
            not_helpful=row.get("not_helpful", 0),
        )
        entry.index_text()
        db.session.add(entry)
    for row in data.get("questions", []):
        user_id = find(User, "email", row["user"])
        if user_id is None:
            continue
        db.session.add(
            FaqQuestion(
                merchant_id=merchant.id,
                product_id=product_id(row["product"]),
                user_id=user_id,
                text=row["text"],
                answer=row.get("answer"),
                status=row.get("status", "open"),
            )
        )
    for row in data.get("size_guides", []):
        found = category_id(row["category"])
        if found is not None:
            db.session.add(
                FaqSizeGuide(
                    merchant_id=merchant.id, category_id=found, table=row["table"], note=row["note"]
                )
            )
