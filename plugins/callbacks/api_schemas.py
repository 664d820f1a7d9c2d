"""What the callbacks API takes and answers: the OpenAPI document is generated from these."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from storefront.api import Page, PageQuery

from .models import STATES, TOPICS

Topic = Literal[TOPICS]
State = Literal[STATES]
Window = Literal["any", "morning", "afternoon", "evening"]
Rating = Literal["satisfied", "unsatisfied"]
MAX_ID = 2**31 - 1


def storable(value: str) -> str:
    """Text a database can keep: JSON may spell a lone surrogate ("\\ud800"), UTF-8 cannot.

    (NUL, which PostgreSQL refuses, is turned away with the body before this is reached.)
    """
    value.encode("utf-8")  # a lone surrogate raises UnicodeEncodeError, a ValueError
    return value


def text(min_length: int, max_length: int):
    """A text field, trimmed, `min_length` to `max_length` characters once trimmed."""
    return Annotated[
        str,
        StringConstraints(strip_whitespace=True, min_length=min_length, max_length=max_length),
        AfterValidator(storable),
    ]


Slug = text(1, 120)
OrderNumber = text(1, 32)
Name = text(1, 120)
Phone = text(1, 32)
Opening = text(2, 3000)
Reply = text(1, 3000)
Comment = text(0, 1000)


class Strict(BaseModel):
    """A body with a field the API does not know is refused, naming that field."""

    model_config = ConfigDict(extra="forbid")


# -- the shopper's side ---------------------------------------------------------------------


class ContactQuery(BaseModel):
    product: Slug | None = Field(None, description="A product's slug: ask about it")
    order: OrderNumber | None = Field(
        None, description="The number of one of your orders (with your token): ask about it"
    )


class TopicOut(BaseModel):
    code: Topic
    label: str
    reply_within_minutes: int = Field(description="First-reply target, in opening minutes")


class ContactInfo(BaseModel):
    open_now: bool
    opens_at: datetime | None = Field(
        description="When closed, the next opening; null when open now or never opening"
    )
    timezone: str = Field(description="The contact centre's hours are in this time zone")
    reply_within_minutes: int = Field(description="First-reply target, in opening minutes")
    topics: list[TopicOut]


class ContactIn(Strict):
    topic: Topic
    message: Opening
    callback: bool = Field(
        False, description="Call me back at `phone` instead of answering in writing here"
    )
    phone: Phone | None = Field(
        None, description="Mobile number; for a call back the account's number when left out"
    )
    window: Window = Field("any", description="Best time to call back")
    name: Name | None = Field(None, description="The account's name when left out")
    product: Slug | None = Field(None, description="A product's slug: ask about it")
    order: OrderNumber | None = Field(None, description="One of your orders' numbers")


class ReplyIn(Strict):
    text: Reply


class CloseIn(Strict):
    rating: Rating = Field(description="Whether you were helped")
    comment: Comment | None = None


class MessageOut(BaseModel):
    id: int
    text: str
    from_shop: bool
    automatic: bool = Field(description="Sent by the shop's system, e.g. out of hours")
    created_at: datetime


class ThreadSummary(BaseModel):
    id: int
    topic: Topic
    topic_label: str
    state: State
    callback: bool
    product: str | None = Field(description="The slug of the product it is about")
    order: str | None = Field(description="The number of the order it is about")
    created_at: datetime


class ThreadListItem(ThreadSummary):
    last_message: str | None


class ThreadPage(Page[ThreadListItem]):
    pass


class ThreadOut(ThreadSummary):
    phone: str | None
    window: Window | None
    due_at: datetime | None = Field(description="When the first reply is due (opening time)")
    first_response_at: datetime | None
    resolved_at: datetime | None
    rating: Rating | None
    comment: str | None
    accepts_messages: bool = Field(
        description="False once closed, or where the shop no longer takes messages about it"
    )
    messages: list[MessageOut]


# -- the merchant's side --------------------------------------------------------------------


class QueueQuery(PageQuery):
    filter: Literal["open", "overdue", "mine"] = Field(
        "open", description="All open requests, only the overdue, or those assigned to you"
    )


class AgentOut(BaseModel):
    id: int
    name: str


class QueueItem(BaseModel):
    id: int
    name: str = Field(description="The shopper's name as given")
    topic: Topic
    topic_label: str
    state: State
    state_label: str
    callback: bool
    phone: str | None
    window: Window | None
    created_at: datetime
    due_at: datetime | None = Field(description="When the first reply is due (opening time)")
    overdue: bool
    answered: bool = Field(description="The shop has answered or reached the shopper")
    assignee: AgentOut | None
    escalated: bool
    attempts: int = Field(description="Call attempts so far")


class QueuePage(Page[QueueItem]):
    total: int = Field(description="Requests in this list, all pages")
    overdue: int = Field(description="Overdue requests in this list, all pages")


class AgentMessageOut(MessageOut):
    author: AgentOut | None = Field(description="The agent who wrote it; null for the shopper")


class AttemptOut(BaseModel):
    outcome: Literal["reached", "no_answer", "busy", "wrong_number"]
    note: str | None
    agent: AgentOut | None
    created_at: datetime


class QueueRequestOut(QueueItem):
    product: str | None
    order: str | None
    first_response_at: datetime | None
    resolved_at: datetime | None
    rating: Rating | None
    comment: str | None
    messages: list[AgentMessageOut]
    call_attempts: list[AttemptOut]


class AssignIn(Strict):
    agent_id: Annotated[int, Field(ge=1, le=MAX_ID)] | None = Field(
        description="A staff member of this shop, or null to give the request back to the queue"
    )
