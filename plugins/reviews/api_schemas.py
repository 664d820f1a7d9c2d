"""The reviews' API answers and bodies: the OpenAPI document is generated from these models.

Names start with "Review": the document names schemas by class, across every plugin.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field, StringConstraints

from storefront.api import ImageOut, Page, PageQuery

from .models import REVIEW_STATES

ReviewState = Literal[REVIEW_STATES]  # type: ignore[valid-type]
Text = Annotated[str, StringConstraints(strip_whitespace=True)]


class ReviewAnswerCount(BaseModel):
    answer: str
    label: str
    count: int


class ReviewQuestionSummary(BaseModel):
    question: str = Field(description="fit, comfort, softness or warmth")
    label: str
    answers: list[ReviewAnswerCount]


class ReviewSummaryOut(BaseModel):
    average: float = Field(description="Stars, to one decimal; 0 without reviews")
    count: int
    histogram: dict[str, int] = Field(description='Reviews per star rating, "1" to "5"')
    with_photos: int
    fit: list[str] = Field(description='"Most say true to size": answers most shoppers gave')
    questions: list[ReviewQuestionSummary]


class ReviewListQuery(PageQuery):
    sort: Literal["newest", "helpful", "highest", "lowest"] = "newest"
    stars: int | None = Field(None, ge=1, le=5, description="Only reviews with these stars")
    photos: bool = Field(False, description="Only reviews with photos")


class ReviewAnswerOut(BaseModel):
    question: str
    label: str
    answer: str
    answer_label: str


class ReviewOut(BaseModel):
    id: int
    stars: int
    title: str
    text: str
    answers: list[ReviewAnswerOut]
    photos: list[ImageOut]
    author: str
    verified_purchase: bool = Field(True, description="Only buyers of the product review it")
    helpful: int
    reply: str | None = Field(description="The shop's public reply")
    replied_at: datetime | None
    created_at: datetime


class ReviewListPage(Page[ReviewOut]):
    pass


class ReviewIn(BaseModel):
    stars: int = Field(ge=1, le=5)
    title: Annotated[Text, Field(max_length=120)] = ""
    text: Annotated[Text, Field(min_length=1, max_length=5000)]
    answers: dict[Annotated[str, Field(max_length=32)], Annotated[str, Field(max_length=32)]] = (
        Field(default_factory=dict, description='Fit and feel, e.g. {"fit": "true"}')
    )
    photos: list[Annotated[str, Field(max_length=64)]] = Field(
        default_factory=list, max_length=6, description="Tokens from POST .../uploads"
    )


class ReviewCreate(ReviewIn):
    order_item_id: int | None = Field(
        None, ge=1, description="The bought item reviewed; else the oldest not yet reviewed"
    )


class ReviewProductRef(BaseModel):
    slug: str
    name: str


class ReviewOwnOut(ReviewOut):
    status: ReviewState = Field(description="pending until the shop has read it, if it holds")
    product: ReviewProductRef
    order_item_id: int
    editable: bool = Field(description="Reviews can be changed for 30 days")


class ReviewOwnPage(Page[ReviewOwnOut]):
    pass


class ReviewVoteOut(BaseModel):
    counted: bool = Field(description="False for a repeated vote or one's own review")
    helpful: int


class ReviewQueueQuery(PageQuery):
    status: ReviewState = "pending"


class ReviewModeration(BaseModel):
    action: Literal["publish", "hide"]


class ReviewReplyIn(BaseModel):
    text: Annotated[Text, Field(max_length=3000, description="Empty removes the reply")]


class ReviewStaffOut(ReviewOwnOut):
    hold_reason: str | None = Field(description="Why it waits: moderation, link, banned_word, ...")
    follow_up: str | None


class ReviewStaffPage(Page[ReviewStaffOut]):
    pass
