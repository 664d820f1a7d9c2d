"""The FAQ as JSON: a product's answers, the help centre, votes, size guides and questions.

Every endpoint about a product, a category or an answer acts only where the FAQ is on for
it (`acts_on`, a JSON 404 elsewhere); a shopper's own questions stay readable after the FAQ
is switched off (`@record_view`). The rules are the pages' own: the views below call the
same functions as `shop_views` and `admin_views`.
"""

from __future__ import annotations

from flask_login import current_user
from sqlalchemy import case
from sqlalchemy.orm import selectinload

from storefront import (
    Category,
    acts_on,
    db,
    gettext,
    limiter,
    markdown,
    record_view,
    tenant_get,
    tenant_select,
)
from storefront.api import (
    ApiBlueprint,
    ApiError,
    ErrorBody,
    PageQuery,
    answers,
    api_spec,
    key_required,
    keyset_page,
    product_by_slug,
    shopper_required,
)

from .api_schemas import (
    FaqAnswerIn,
    FaqEntryOut,
    FaqEntryPage,
    FaqFootIn,
    FaqHelpQuery,
    FaqHit,
    FaqHitPage,
    FaqNotes,
    FaqProductAnswers,
    FaqProductRef,
    FaqQuestionIn,
    FaqQuestionOut,
    FaqQuestionPage,
    FaqQueuedQuestion,
    FaqQueuePage,
    FaqQueueQuery,
    FaqSearchQuery,
    FaqShoeSize,
    FaqSizeGuide,
    FaqSizeMatch,
    FaqSizeQuery,
    FaqVoteIn,
    FaqVoteOut,
)
from .asking import answer_question, answerable, ask_question, open_for_questions, own_question
from .forms import TOPIC_LABELS
from .help_centre import HELP_ORDER, help_position
from .models import QUESTION_STATES, FaqEntry, FaqQuestion
from .queries import (
    ANSWER_ORDER,
    NOTE_TOPICS,
    QUESTIONS_ORDER,
    answer_position,
    answers_about,
    notes_about,
    questions_of,
    size_guide,
)
from .search import matching, plain_text
from .shop_views import published_entries, shop_wide_entries, voter_key
from .size_guides import FootLengthError, column_label, finds_shoe_sizes, size_for_foot
from .votes import record_vote, votable_entry, vote_message

faq_api = ApiBlueprint("faq_api", __name__, url_prefix="/shops/<merchant>")

SHOPPER = {"shopper": []}
MERCHANT = {"merchant": []}
IN_HELP_ORDER = [column.asc() for column in HELP_ORDER]


def entry_out(entry: FaqEntry) -> FaqEntryOut:
    return FaqEntryOut(
        id=entry.id,
        question=entry.question,
        answer=entry.answer,
        answer_html=str(markdown(entry.answer)),
        topic=entry.topic,
        topic_label=str(TOPIC_LABELS.get(entry.topic, entry.topic)),
        applies_to=entry.scope_kind,
        helpful=entry.helpful,
        not_helpful=entry.not_helpful,
        updated_at=entry.updated_at,
    )


def _category(slug: str, field: str = "category") -> Category:
    """This shop's category where the FAQ is on, else a 404 naming the field."""
    category = db.session.scalar(tenant_select(Category).where(Category.slug == slug))
    if category is None:
        raise ApiError(404, field=field)
    acts_on(category, "faq")
    return category


def _size_match(category: Category, table: dict, foot_mm: int) -> FaqSizeMatch:
    if not finds_shoe_sizes(category.kind):
        raise ApiError(
            400,
            gettext("Sizes are found by foot length for shoes only."),
            "foot_length_mm",
            code="invalid",
        )
    try:
        match = size_for_foot(table, foot_mm)
    except FootLengthError as error:
        raise ApiError(422, str(error), "foot_length_mm", code="no_size") from error
    return FaqSizeMatch(
        foot_length_mm=foot_mm,
        row=[str(cell) for cell in match.row],
        sizes=[
            FaqShoeSize(label=column_label(column), size=str(size))
            for column, size in zip(match.columns[1:], match.row[1:], strict=False)
        ],
    )


def _guide_out(category: Category, foot_mm: int | None = None) -> FaqSizeGuide | None:
    guide = size_guide(category)
    if guide is None:
        return None
    table, note = guide
    return FaqSizeGuide(
        category=category.slug,
        kind=category.kind,
        columns=[column_label(c) for c in table.get("columns", [])],
        rows=[[str(cell) for cell in row] for row in table.get("rows", [])],
        note=note,
        finds_by_foot_length=finds_shoe_sizes(category.kind),
        match=_size_match(category, table, foot_mm) if foot_mm is not None else None,
    )


def _notes(entries: list[FaqEntry]) -> list[FaqNotes]:
    return [
        FaqNotes(
            topic=topic,
            label=str(TOPIC_LABELS[topic]),
            entries=[entry_out(e) for e in entries if e.topic == topic],
        )
        for topic in NOTE_TOPICS
        if any(e.topic == topic for e in entries)
    ]


@faq_api.get("/products/<product_slug>/faq")
@api_spec.validate(query=PageQuery, resp=answers(HTTP_200=FaqProductAnswers), tags=["faq"])
def product_answers(product_slug: str, query: PageQuery):
    """Answers about one product: its own, its category's, then the shop's.

    The first page also carries the care and material notes and the category's size guide.
    """
    product = product_by_slug(product_slug)
    scope = acts_on(product, "faq")
    rows, cursor = keyset_page(
        answers_about(product), [c.asc() for c in ANSWER_ORDER], answer_position, query
    )
    first = not query.cursor
    return FaqProductAnswers(
        items=[entry_out(e) for e in rows],
        next_cursor=cursor,
        notes=_notes(notes_about(product)) if first else [],
        size_guide=_guide_out(product.category) if first else None,
        allow_questions=scope.settings("faq")["allow_questions"],
    )


@faq_api.get("/faq")
@api_spec.validate(query=FaqHelpQuery, resp=answers(HTTP_200=FaqEntryPage), tags=["faq"])
def help_centre(query: FaqHelpQuery):
    """The help centre's answers in its order: the whole shop's and each category's."""
    if query.category:
        category = _category(query.category)
        found = published_entries().where(
            FaqEntry.category_id == category.id, FaqEntry.product_id.is_(None)
        )
    else:
        found = shop_wide_entries()
    if query.topic:
        found = found.where(FaqEntry.topic == query.topic)
    rows, cursor = keyset_page(found, IN_HELP_ORDER, help_position, query)
    return FaqEntryPage(items=[entry_out(e) for e in rows], next_cursor=cursor)


@faq_api.get("/faq/search")
@api_spec.validate(query=FaqSearchQuery, resp=answers(HTTP_200=FaqHitPage), tags=["faq"])
def search(query: FaqSearchQuery):
    """Answers containing every word of `q` (product answers too), in help order."""
    rows, cursor = keyset_page(
        matching(published_entries(), query.q), IN_HELP_ORDER, help_position, query
    )
    hits = [FaqHit(**entry_out(e).model_dump(), snippet=plain_text(e.answer)) for e in rows]
    return FaqHitPage(items=hits, next_cursor=cursor)


@faq_api.post("/faq/entries/<int:entry_id>/vote")
@limiter.limit("30 per minute")
@shopper_required
@api_spec.validate(
    json=FaqVoteIn,
    resp=answers(HTTP_200=FaqVoteOut, HTTP_401=ErrorBody),
    tags=["faq"],
    security=SHOPPER,
)
def vote(entry_id: int, json: FaqVoteIn):
    """Was this answer helpful? One vote per shopper; a second one is answered, not counted."""
    entry = votable_entry(entry_id)
    voter, _cookie = voter_key()
    counted = record_vote(entry, voter, json.helpful)
    db.session.commit()
    return FaqVoteOut(
        counted=counted,
        message=vote_message(counted),
        helpful=entry.helpful,
        not_helpful=entry.not_helpful,
    )


def _guide_of(slug: str, foot_mm: int | None = None) -> FaqSizeGuide:
    guide = _guide_out(_category(slug), foot_mm)
    if guide is None:
        raise ApiError(404, gettext("This category has no size guide."), "category")
    return guide


@faq_api.get("/size-guides/<category>")
@api_spec.validate(
    query=FaqSizeQuery,
    resp=answers(HTTP_200=FaqSizeGuide, HTTP_422=ErrorBody),
    tags=["faq"],
)
def size_guide_of(category: str, query: FaqSizeQuery):
    """A category's size table; for shoes, with `foot_length_mm`, the row that fits."""
    return _guide_of(category, query.foot_length_mm)


@faq_api.post("/size-guides/<category>/shoe-size")
@api_spec.validate(
    json=FaqFootIn,
    resp=answers(HTTP_200=FaqSizeMatch, HTTP_422=ErrorBody),
    tags=["faq"],
)
def shoe_size(category: str, json: FaqFootIn):
    """The shoe size for a foot length, from the category's own table (422 beyond it)."""
    return _guide_of(category, json.foot_length_mm).match


def question_out(question: FaqQuestion) -> FaqQuestionOut:
    product = question.product
    return FaqQuestionOut(
        id=question.id,
        text=question.text,
        status=question.status,
        answer=question.answer,
        product=FaqProductRef(slug=product.slug, name=product.name) if product else None,
        created_at=question.created_at,
        answered_at=question.answered_at,
    )


@faq_api.post("/products/<product_slug>/questions")
@limiter.limit("10 per hour")
@shopper_required
@api_spec.validate(
    json=FaqQuestionIn,
    resp=answers(HTTP_201=FaqQuestionOut, HTTP_401=ErrorBody),
    tags=["faq"],
    security=SHOPPER,
)
def ask(product_slug: str, json: FaqQuestionIn):
    """Ask the shop about a product; only you see the question until it is answered."""
    product = product_by_slug(product_slug)
    open_for_questions(product)
    question = ask_question(product, current_user, json.text)
    db.session.commit()
    return question_out(question), 201


@faq_api.get("/me/questions")
@record_view
@shopper_required
@api_spec.validate(
    query=PageQuery,
    resp=answers(HTTP_200=FaqQuestionPage, HTTP_401=ErrorBody),
    tags=["faq"],
    security=SHOPPER,
)
def my_questions(query: PageQuery):
    """Your questions to this shop and their answers, newest first; kept when the FAQ goes."""
    rows, cursor = keyset_page(
        questions_of(current_user.id),
        QUESTIONS_ORDER,
        lambda q: [q.created_at, q.id],
        query,
    )
    return FaqQuestionPage(items=[question_out(q) for q in rows], next_cursor=cursor)


@faq_api.get("/me/questions/<int:question_id>")
@record_view
@shopper_required
@api_spec.validate(
    resp=answers(HTTP_200=FaqQuestionOut, HTTP_401=ErrorBody), tags=["faq"], security=SHOPPER
)
def my_question(question_id: int):
    """One of your questions and its answer."""
    return question_out(own_question(question_id, current_user))


# The queue: open questions first, oldest first, as they wait; one status alone in the
# order its admin tab shows (open oldest first, the dealt-with newest first).
STATE_RANK = case(
    {state: rank for rank, state in enumerate(QUESTION_STATES)},
    value=FaqQuestion.status,
    else_=len(QUESTION_STATES),
)


def _queue_order(status: str | None):
    if status is None:
        order = [STATE_RANK.asc(), FaqQuestion.created_at.asc(), FaqQuestion.id.asc()]
        return order, lambda q: [QUESTION_STATES.index(q.status), q.created_at, q.id]
    if status == "open":
        return [FaqQuestion.created_at.asc(), FaqQuestion.id.asc()], lambda q: [q.created_at, q.id]
    return [FaqQuestion.created_at.desc(), FaqQuestion.id.desc()], lambda q: [q.created_at, q.id]


def queued_out(question: FaqQuestion) -> FaqQueuedQuestion:
    return FaqQueuedQuestion(
        **question_out(question).model_dump(),
        asked_by=question.user.name,
        entry_id=question.entry_id,
    )


@faq_api.get("/admin/questions")
@key_required("questions:write")
@api_spec.validate(
    query=FaqQueueQuery,
    resp=answers(HTTP_200=FaqQueuePage, HTTP_401=ErrorBody, HTTP_403=ErrorBody),
    tags=["faq"],
    security=MERCHANT,
)
def queue(query: FaqQueueQuery):
    """Shoppers' questions to the shop, open ones first."""
    found = tenant_select(FaqQuestion).options(
        selectinload(FaqQuestion.product), selectinload(FaqQuestion.user)
    )
    if query.status:
        found = found.where(FaqQuestion.status == query.status)
    order, position = _queue_order(query.status)
    rows, cursor = keyset_page(found, order, position, query)
    return FaqQueuePage(items=[queued_out(q) for q in rows], next_cursor=cursor)


@faq_api.post("/admin/questions/<int:question_id>/answer")
@key_required("questions:write")
@api_spec.validate(
    json=FaqAnswerIn,
    resp=answers(
        HTTP_200=FaqQueuedQuestion, HTTP_401=ErrorBody, HTTP_403=ErrorBody, HTTP_409=ErrorBody
    ),
    tags=["faq"],
    security=MERCHANT,
)
def answer(question_id: int, json: FaqAnswerIn):
    """Answer a question into the shopper's inbox; `publish` also makes it an FAQ entry."""
    question = tenant_get(FaqQuestion, question_id)
    if not answerable(question):
        raise ApiError(
            409, gettext("This question has already been dealt with."), code="already_answered"
        )
    answer_question(question, json.answer, json.publish, current_user)
    db.session.commit()
    return queued_out(question)
