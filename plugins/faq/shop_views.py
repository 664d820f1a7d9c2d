"""The shopper's side: the help page, votes, suggestions, size guides and questions."""

from __future__ import annotations

import secrets

from flask import Blueprint, abort, current_app, flash, g, jsonify, redirect, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import Select

from storefront import (
    Product,
    acts_on,
    category_by_slug,
    db,
    gettext,
    limiter,
    page_number,
    reads,
    record_view,
    redirect_next,
    render_template,
    tenant_select,
)

from .asking import ask_question, open_for_questions, own_question
from .forms import QuestionForm
from .help_centre import TopicGroup, page_groups, paged, topic_previews
from .models import FaqEntry, FaqQuestion
from .queries import QUESTIONS_ORDER, answers_about, questions_of, size_guide, where_offered
from .search import highlight, matching, plain_text, suggesting
from .size_guides import (
    FootLengthError,
    column_label,
    finds_shoe_sizes,
    parse_foot_length,
    size_for_foot,
)
from .votes import record_vote, votable_entry, vote_message

shop_bp = Blueprint(
    "faq",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/faq-static",
)

VOTER_COOKIE = "faq_voter"
SUGGESTIONS = 5


def published_entries() -> Select:
    """Published answers the shop offers: none about a category where the FAQ is off."""
    return where_offered(tenant_select(FaqEntry).where(FaqEntry.published.is_(True)), g.merchant)


def own_questions_about(product: Product) -> list[FaqQuestion]:
    """The signed-in shopper's unanswered questions about this product (only they see them)."""
    if not current_user.is_authenticated:
        return []
    return list(
        db.session.scalars(
            tenant_select(FaqQuestion).where(
                FaqQuestion.product_id == product.id,
                FaqQuestion.user_id == current_user.id,
                FaqQuestion.status == "open",
            )
        )
    )


def shop_wide_entries() -> Select:
    """Published answers for the whole shop or a category: what the help page lists."""
    return published_entries().where(FaqEntry.product_id.is_(None))


def render_help(groups: list[TopicGroup], **context) -> str:
    """The help page in any of its forms; JSON-LD describes exactly the answers shown."""
    context = {"query": "", "topic": None, "pagination": None, "extra_args": {}, **context}
    return render_template(
        "faq/help.html",
        groups=groups,
        entries=[entry for group in groups for entry in group.entries],
        highlight=highlight,
        plain_text=plain_text,
        **context,
    )


@shop_bp.route("/shop/<merchant>/help")
def help_page():
    """Every topic with its first few answers; with `q`, the matching answers page by page."""
    query = request.args.get("q", "").strip()[:100]
    if query:
        # Search covers product answers too: a shopper may look for one from here.
        pagination = paged(matching(published_entries(), query))
        return render_help(
            page_groups(pagination.items),
            query=query,
            pagination=pagination,
            extra_args={"q": query},
        )
    return render_help(topic_previews(shop_wide_entries()))


@shop_bp.route("/shop/<merchant>/help/topic/<topic>")
def topic_page(topic: str):
    """All answers of one topic, page by page: where the overview's "see all" link leads."""
    pagination = paged(shop_wide_entries().where(FaqEntry.topic == topic))
    if not pagination.items:
        abort(404)
    return render_help(
        page_groups(pagination.items),
        topic=TopicGroup(topic, [], pagination.total),
        pagination=pagination,
        extra_args={"topic": topic},
    )


@shop_bp.route("/shop/<merchant>/help/suggest")
@limiter.limit("120 per minute")
def suggest():
    """Existing answers matching what a shopper is typing, before they ask."""
    query = request.args.get("q", "").strip()[:200]
    found_query = suggesting(published_entries(), query)
    if found_query is None:
        return jsonify(results=[])
    found = db.session.scalars(found_query.limit(SUGGESTIONS))
    return jsonify(
        results=[
            {"question": e.question, "url": url_for("faq.help_page", q=e.question) + f"#faq-{e.id}"}
            for e in found
        ]
    )


def voter_key() -> tuple[str, str | None]:
    """A shopper votes as themselves; a guest as their browser (a random cookie)."""
    if current_user.is_authenticated:
        return f"u:{current_user.id}", None
    token = request.cookies.get(VOTER_COOKIE, "")
    if len(token) != 32 or not token.isalnum():
        token = secrets.token_hex(16)
        return f"b:{token}", token
    return f"b:{token}", None


@shop_bp.route("/shop/<merchant>/help/<int:entry_id>/vote", methods=["POST"])
@limiter.limit("30 per minute")
def vote(entry_id: int):
    entry = votable_entry(entry_id)
    helpful = request.form.get("helpful")
    if helpful not in ("yes", "no"):
        return jsonify(error="helpful must be yes or no", field="helpful"), 400
    voter, new_cookie = voter_key()
    message = vote_message(record_vote(entry, voter, helpful == "yes"))
    db.session.commit()
    if request.accept_mimetypes.best == "application/json":
        response = jsonify(message=message, helpful=entry.helpful, not_helpful=entry.not_helpful)
    else:
        flash(message, "success")
        response = redirect_next(url_for("faq.help_page"))
    if new_cookie:
        response.set_cookie(
            VOTER_COOKIE,
            new_cookie,
            max_age=365 * 24 * 3600,
            httponly=True,
            samesite="Lax",
            secure=current_app.config["SESSION_COOKIE_SECURE"],  # on in production
        )
    return response


@shop_bp.route("/shop/<merchant>/size-guide/<category_slug>", endpoint="size_guide")
def size_guide_page(category_slug: str):
    category = category_by_slug(category_slug)
    acts_on(category)
    guide = size_guide(category)
    if guide is None:
        abort(404)
    table, note = guide
    raw = request.args.get("foot_mm", "")
    match, error = None, None
    if finds_shoe_sizes(category.kind) and raw:
        try:
            match = size_for_foot(table, parse_foot_length(raw))
        except FootLengthError as exc:
            error = str(exc)
    return render_template(
        "faq/size_guide.html",
        category=category,
        table=table,
        note=note,
        column_label=column_label,
        foot_mm=raw,
        match=match,
        error=error,
    )


ANSWERS_PER_PAGE = 20


@shop_bp.route("/shop/<merchant>/p/<product_slug>/answers")
def product_answers(product_slug: str):
    """Every answer that applies to one product; its page shows only the first few."""
    product = db.session.scalar(tenant_select(Product).where(Product.slug == product_slug))
    if product is None or not product.active:
        abort(404)
    acts_on(product)
    pagination = db.paginate(
        answers_about(product), page=page_number(), per_page=ANSWERS_PER_PAGE, error_out=False
    )
    if not pagination.items and pagination.page > 1:
        # past the end (an old link): the last page rather than "no answers" under a count
        last = max(pagination.pages, 1)
        return redirect(url_for("faq.product_answers", product_slug=product.slug, page=last))
    return render_template("faq/product_answers.html", product=product, pagination=pagination)


@shop_bp.route("/shop/<merchant>/p/<product_slug>/questions", methods=["POST"])
@login_required
@limiter.limit("10 per hour", methods=["POST"])
def ask(product_slug: str):
    product = db.session.scalar(tenant_select(Product).where(Product.slug == product_slug))
    if product is None:
        abort(404)
    open_for_questions(product)
    form = QuestionForm()
    target = url_for("shop.product", product_slug=product.slug) + "#faq"
    if not form.validate_on_submit():
        for error in form.text.errors:
            flash(gettext("Your question: %(error)s", error=error), "error")
        return redirect(target)
    ask_question(product, current_user, form.text.data)
    db.session.commit()
    flash(gettext("Thank you! We will answer you in your inbox soon."), "success")
    return redirect(target)


def note_if_no_longer_offered() -> None:
    """A shopper's list of questions says so when the shop offers the FAQ nowhere any more."""
    if not g.scope.enabled_anywhere("faq"):
        reads(g.merchant)


@shop_bp.route("/shop/<merchant>/account/questions")
@record_view
@login_required
def my_questions():
    """Readable after the FAQ is switched off or hidden: what was asked and answered stays."""
    note_if_no_longer_offered()
    questions = db.paginate(
        questions_of(current_user.id).order_by(*QUESTIONS_ORDER),
        page=page_number(),
        per_page=20,
        error_out=False,
    )
    return render_template("faq/my_questions.html", questions=questions)


@shop_bp.route("/shop/<merchant>/account/questions/<int:question_id>")
@record_view
@login_required
def question_page(question_id: int):
    """One of the shopper's questions and its answer: where the "answered" message leads."""
    question = own_question(question_id, current_user)
    return render_template("faq/question.html", question=question)
