"""The merchant's side: entries, the question queue and the size tables."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, request, url_for
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from storefront import (
    Category,
    Product,
    db,
    gettext,
    page_number,
    render_template,
    tenant_get,
    tenant_select,
)

from .asking import answer_question, answerable
from .forms import TOPIC_LABELS, AnswerForm, EntryForm, SizeGuideForm
from .models import QUESTION_STATES, TOPICS, FaqEntry, FaqQuestion, FaqSizeGuide
from .queries import size_guide
from .search import matching
from .size_guides import table_to_text, text_to_table

admin_bp = Blueprint("faq_admin", __name__, template_folder="templates")

PER_PAGE = 25


def fill_choices(form: EntryForm) -> None:
    form.category.choices = [(0, "—")] + [
        (c.id, c.name)
        for c in db.session.scalars(
            tenant_select(Category).order_by(Category.position, Category.id)
        )
    ]
    form.product.choices = [(0, "—")] + [
        (p.id, p.name) for p in db.session.scalars(tenant_select(Product).order_by(Product.name))
    ]


@admin_bp.route("/admin/<merchant>/faq/")
def entries():
    query = request.args.get("q", "").strip()[:100]
    topic = request.args.get("topic", "")
    found = tenant_select(FaqEntry).options(
        selectinload(FaqEntry.category), selectinload(FaqEntry.product)
    )
    if query:
        found = matching(found, query)
    if topic in TOPICS:
        found = found.where(FaqEntry.topic == topic)
    else:
        topic = ""
    listing = db.paginate(
        found.order_by(FaqEntry.topic, FaqEntry.position, FaqEntry.id),
        page=page_number(),
        per_page=PER_PAGE,
        error_out=False,
    )
    unhelpful = db.session.scalars(
        tenant_select(FaqEntry)
        .where(FaqEntry.not_helpful > 0)
        .order_by(FaqEntry.not_helpful.desc(), FaqEntry.id)
        .limit(5)
    ).all()
    return render_template(
        "faq/admin/entries.html",
        entries=listing,
        query=query,
        topic=topic,
        topics=TOPIC_LABELS,
        unhelpful=unhelpful,
    )


def apply_entry(form: EntryForm, entry: FaqEntry) -> bool:
    """Copy the form into the entry; the scope needs its category or product chosen."""
    scope = form.scope.data
    category_id = form.category.data or None
    product_id = form.product.data or None
    if scope == "category" and not category_id:
        form.category.errors.append(gettext("Choose the category."))
        return False
    if scope == "product" and not product_id:
        form.product.errors.append(gettext("Choose the product."))
        return False
    entry.question = form.question.data.strip()
    entry.answer = form.answer.data.strip()
    entry.topic = form.topic.data
    entry.category_id = category_id if scope == "category" else None
    entry.product_id = product_id if scope == "product" else None
    entry.position = form.position.data or 0
    entry.published = form.published.data
    entry.index_text()
    return True


@admin_bp.route("/admin/<merchant>/faq/new", methods=["GET", "POST"])
@admin_bp.route("/admin/<merchant>/faq/<int:entry_id>", methods=["GET", "POST"])
def entry_edit(entry_id: int | None = None):
    entry = tenant_get(FaqEntry, entry_id) if entry_id else None
    form = EntryForm(obj=entry)
    if entry is not None and request.method == "GET":
        form.scope.data = entry.scope_kind
        form.category.data = entry.category_id or 0
        form.product.data = entry.product_id or 0
    fill_choices(form)
    if form.validate_on_submit():
        target = entry or FaqEntry(merchant_id=g.merchant.id)
        if apply_entry(form, target):
            db.session.add(target)
            db.session.commit()
            flash(gettext("FAQ entry saved."), "success")
            return redirect(url_for("faq_admin.entries"))
    return render_template("faq/admin/entry.html", form=form, entry=entry)


@admin_bp.route("/admin/<merchant>/faq/<int:entry_id>/delete", methods=["POST"])
def entry_delete(entry_id: int):
    entry = tenant_get(FaqEntry, entry_id)
    db.session.delete(entry)
    db.session.commit()
    flash(gettext("FAQ entry deleted."), "success")
    return redirect(url_for("faq_admin.entries"))


@admin_bp.route("/admin/<merchant>/faq/questions")
def questions():
    status = request.args.get("status", "open")
    if status not in QUESTION_STATES:
        status = "open"
    queue = db.paginate(
        tenant_select(FaqQuestion)
        .where(FaqQuestion.status == status)
        .options(selectinload(FaqQuestion.product), selectinload(FaqQuestion.user))
        .order_by(
            FaqQuestion.created_at.asc() if status == "open" else FaqQuestion.created_at.desc()
        )
        .order_by(FaqQuestion.id),
        page=page_number(),
        per_page=PER_PAGE,
        error_out=False,
    )
    counts = dict(
        db.session.execute(
            select(FaqQuestion.status, func.count(FaqQuestion.id))
            .where(FaqQuestion.merchant_id == g.merchant.id)
            .group_by(FaqQuestion.status)
        ).all()
    )
    return render_template(
        "faq/admin/questions.html", queue=queue, status=status, counts=counts, form=AnswerForm()
    )


@admin_bp.route("/admin/<merchant>/faq/questions/<int:question_id>/answer", methods=["POST"])
def answer(question_id: int):
    question = tenant_get(FaqQuestion, question_id)
    form = AnswerForm()
    if not answerable(question):
        flash(gettext("This question has already been dealt with."), "error")
    elif not form.validate_on_submit():
        flash(gettext("Write an answer first."), "error")
    else:
        answer_question(question, form.answer.data, form.publish.data, current_user)
        db.session.commit()
        flash(gettext("Answer sent to the shopper."), "success")
    return redirect(url_for("faq_admin.questions"))


@admin_bp.route("/admin/<merchant>/faq/questions/<int:question_id>/reject", methods=["POST"])
def reject(question_id: int):
    question = tenant_get(FaqQuestion, question_id)
    if question.status == "open":
        question.status = "rejected"
        db.session.commit()
        flash(gettext("Question rejected; the shopper is not notified."), "success")
    return redirect(url_for("faq_admin.questions"))


@admin_bp.route("/admin/<merchant>/faq/size-guides")
def size_guides():
    categories = db.session.scalars(tenant_select(Category).order_by(Category.position)).all()
    own = set(
        db.session.scalars(
            select(FaqSizeGuide.category_id).where(FaqSizeGuide.merchant_id == g.merchant.id)
        )
    )
    return render_template("faq/admin/size_guides.html", categories=categories, own=own)


@admin_bp.route("/admin/<merchant>/faq/size-guides/<category_slug>", methods=["GET", "POST"])
def size_guide_edit(category_slug: str):
    category = db.session.scalar(tenant_select(Category).where(Category.slug == category_slug))
    if category is None:
        abort(404)
    own = db.session.scalar(
        select(FaqSizeGuide).where(
            FaqSizeGuide.merchant_id == g.merchant.id, FaqSizeGuide.category_id == category.id
        )
    )
    if request.method == "POST" and request.form.get("action") == "reset":
        if own is not None:
            db.session.delete(own)
            db.session.commit()
        flash(gettext("The size guide is back to the default."), "success")
        return redirect(url_for("faq_admin.size_guide_edit", category_slug=category.slug))
    current = size_guide(category) or ({"columns": ["Size"], "rows": [["—"]]}, "")
    form = SizeGuideForm(data={"table": table_to_text(current[0]), "note": current[1]})
    if form.validate_on_submit():
        try:
            table = text_to_table(form.table.data)
        except ValueError as error:
            form.table.errors.append(str(error))
        else:
            own = own or FaqSizeGuide(merchant_id=g.merchant.id, category_id=category.id)
            own.table = table
            own.note = form.note.data.strip()
            db.session.add(own)
            db.session.commit()
            flash(gettext("Size guide saved."), "success")
            return redirect(url_for("faq_admin.size_guide_edit", category_slug=category.slug))
    return render_template(
        "faq/admin/size_guide.html", form=form, category=category, own=own is not None
    )
