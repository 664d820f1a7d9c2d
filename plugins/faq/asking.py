"""Shoppers' questions: asked where the FAQ takes them, answered from the shop's queue.

The product page's form, the admin queue and the API all go through here, so a question
is asked and answered by the same rules whichever way it comes.
"""

from __future__ import annotations

from flask import abort, g, url_for

from storefront import (
    Product,
    Scope,
    User,
    acts_on,
    db,
    lazy_gettext,
    notify,
    reads,
    tenant_get,
    utcnow,
)

from .models import FaqEntry, FaqQuestion


def open_for_questions(product: Product) -> Scope:
    """The product's scope, or 404 where the FAQ is off or the shop takes no questions."""
    scope = acts_on(product, "faq")
    if not scope.settings("faq")["allow_questions"]:
        abort(404)
    return scope


def ask_question(product: Product, user: User, text: str) -> FaqQuestion:
    """A new open question, private to `user` until the shop answers it."""
    question = FaqQuestion(
        merchant_id=product.merchant_id, product_id=product.id, user_id=user.id, text=text.strip()
    )
    db.session.add(question)
    db.session.flush()
    return question


def own_question(question_id: int, user: User) -> FaqQuestion:
    """One of the shopper's own questions, 404 for anyone else's.

    Readable whatever the FAQ's state now: what was asked and answered stays.
    """
    question = tenant_get(FaqQuestion, question_id)
    if question.user_id != user.id:
        abort(404)
    reads(question, "faq")
    return question


def answerable(question: FaqQuestion) -> bool:
    """Only an open question gets an answer; one answered or rejected was dealt with."""
    return question.status == "open"


def answer_question(question: FaqQuestion, answer: str, publish: bool, staff: User) -> None:
    """Answer into the shopper's inbox, and, if asked, publish it as an answer for the product."""
    question.answer = answer.strip()
    question.status = "answered"
    question.answered_at = utcnow()
    question.answered_by_id = staff.id
    if publish:
        entry = FaqEntry(
            merchant_id=question.merchant_id,
            product_id=question.product_id,
            topic="material",
            question=question.text[:300],
            answer=question.answer,
        )
        entry.index_text()
        db.session.add(entry)
        db.session.flush()
        question.entry_id = entry.id
    notify(
        question.user,
        lazy_gettext("Your question was answered"),
        question.answer,
        link=url_for("faq.question_page", question_id=question.id),
        merchant=g.merchant,
        kind="faq.answered",
        about=question,
    )
