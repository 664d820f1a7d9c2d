"""The FAQ's API answers and bodies: the OpenAPI document is generated from these models.

Names start with "Faq": the document names schemas by class, across every plugin.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field, StringConstraints

from storefront.api import Page, PageQuery

from .models import QUESTION_STATES, TOPICS
from .size_guides import FOOT_MAX_MM, FOOT_MIN_MM

Topic = Literal[TOPICS]  # type: ignore[valid-type]
QuestionState = Literal[QUESTION_STATES]  # type: ignore[valid-type]
Text = Annotated[str, StringConstraints(strip_whitespace=True)]
FootLength = Annotated[int, Field(ge=FOOT_MIN_MM, le=FOOT_MAX_MM, description="In millimetres")]


class FaqEntryOut(BaseModel):
    id: int
    question: str
    answer: str = Field(description="Markdown, as the shop wrote it")
    answer_html: str = Field(description="The answer rendered from Markdown, safe to show")
    topic: str
    topic_label: str
    applies_to: Literal["product", "category", "shop"]
    helpful: int
    not_helpful: int
    updated_at: datetime


class FaqEntryPage(Page[FaqEntryOut]):
    pass


class FaqHit(FaqEntryOut):
    snippet: str = Field(description="The answer as a short plain text")


class FaqHitPage(Page[FaqHit]):
    pass


class FaqNotes(BaseModel):
    """The product's answers of one topic (care, material) for a card of their own."""

    topic: str
    label: str
    entries: list[FaqEntryOut]


class FaqShoeSize(BaseModel):
    label: str = Field(description="The size system, e.g. EU or CN")
    size: str


class FaqSizeMatch(BaseModel):
    foot_length_mm: int
    row: list[str] = Field(description="The row of the table that fits")
    sizes: list[FaqShoeSize]


class FaqSizeGuide(BaseModel):
    category: str = Field(description="The category's slug")
    kind: str
    columns: list[str]
    rows: list[list[str]]
    note: str
    finds_by_foot_length: bool = Field(description="Whether foot_length_mm finds a size here")
    match: FaqSizeMatch | None = None


class FaqProductAnswers(Page[FaqEntryOut]):
    """A page of a product's answers; the first page also carries notes and the size guide."""

    notes: list[FaqNotes]
    size_guide: FaqSizeGuide | None
    allow_questions: bool = Field(description="Whether a shopper may ask about this product")


class FaqHelpQuery(PageQuery):
    topic: Topic | None = None
    category: str | None = Field(None, max_length=64, description="A category's slug")


class FaqSearchQuery(PageQuery):
    q: Annotated[Text, Field(min_length=1, max_length=100, description="Words to look for")]


class FaqVoteIn(BaseModel):
    helpful: bool


class FaqVoteOut(BaseModel):
    counted: bool = Field(description="False when you had rated this answer before")
    message: str
    helpful: int
    not_helpful: int


class FaqSizeQuery(BaseModel):
    foot_length_mm: FootLength | None = None


class FaqFootIn(BaseModel):
    foot_length_mm: FootLength


class FaqQuestionIn(BaseModel):
    text: Annotated[Text, Field(min_length=5, max_length=1000)]


class FaqProductRef(BaseModel):
    slug: str
    name: str


class FaqQuestionOut(BaseModel):
    id: int
    text: str
    status: QuestionState
    answer: str | None
    product: FaqProductRef | None
    created_at: datetime
    answered_at: datetime | None


class FaqQuestionPage(Page[FaqQuestionOut]):
    pass


class FaqQueueQuery(PageQuery):
    status: QuestionState | None = Field(None, description="Only these; else all, open first")


class FaqQueuedQuestion(FaqQuestionOut):
    asked_by: str = Field(description="The shopper's name")
    entry_id: int | None = Field(description="The FAQ entry published from the answer, if any")


class FaqQueuePage(Page[FaqQueuedQuestion]):
    pass


class FaqAnswerIn(BaseModel):
    answer: Annotated[Text, Field(min_length=1, max_length=5000)]
    publish: bool = Field(False, description="Also publish it as an FAQ entry for the product")
