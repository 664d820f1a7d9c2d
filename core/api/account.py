"""The shopper's account: profile and address book (all shops), and one shop's inbox.

The profile and addresses take the rules of the account pages' forms; the inbox shows
what the page does: this shop's messages and those of no shop.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from flask_babel import gettext as _
from flask_login import current_user
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import func, select, update

from ..extensions import db
from ..inputs import MAX_ID
from ..models import Address, Notification, User, utcnow
from ..shop.account import in_this_shop, save_profile
from ..shop.forms import AddressForm, ProfileForm
from ..tenancy import valid_id
from .auth import shopper_required
from .errors import ApiError, ErrorBody
from .forms import check_form
from .paging import Page, PageQuery, keyset
from .root import api_bp
from .schemas import Message
from .spec import answers, api_spec

SHOPPER = {"shopper": []}


class MeOut(BaseModel):
    id: int
    name: str
    email: str
    phone: str | None
    locale: str | None = Field(description="en or zh_CN; None follows the shop's language")


class MeUpdate(BaseModel):
    """Only the fields sent change; null clears phone and locale."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = None
    phone: str | None = Field(None, description="A mobile number; kept as +86… (E.164)")
    locale: str | None = Field(None, description="en, zh_CN, or null for the shop's language")


class SavedAddressIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    recipient: str
    phone: str = Field(description="A mobile number; kept as +86… (E.164)")
    line1: str = Field(description="Street address")
    city: str
    province: str | None = None
    postcode: str | None = None


class SavedAddressOut(BaseModel):
    id: int = Field(description="Send as `address_id` at checkout")
    recipient: str
    phone: str
    line1: str
    city: str
    province: str | None
    postcode: str | None
    one_line: str


class SavedAddressList(BaseModel):
    items: list[SavedAddressOut]


class InboxItem(BaseModel):
    id: int
    kind: str
    title: str
    body: str
    link: str | None = Field(description="The page the message is about, on the shop's site")
    unread: bool
    created_at: datetime


class InboxPage(Page[InboxItem]):
    unread: int = Field(description="Unread messages in this inbox, all pages together")


class InboxRead(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ids: list[Annotated[int, Field(ge=1, le=MAX_ID)]] | None = Field(
        None, max_length=100, description="The messages to mark; all of them when left out"
    )


class InboxReadOut(BaseModel):
    marked: int
    unread: int


def _me() -> User:
    return current_user._get_current_object()


def me_out(user: User) -> MeOut:
    return MeOut(id=user.id, name=user.name, email=user.email, phone=user.phone, locale=user.locale)


def address_out(address: Address) -> SavedAddressOut:
    return SavedAddressOut(
        id=address.id,
        recipient=address.recipient,
        phone=address.phone,
        line1=address.line1,
        city=address.city,
        province=address.province,
        postcode=address.postcode,
        one_line=address.one_line(),
    )


@api_bp.get("/me")
@shopper_required
@api_spec.validate(
    resp=answers(HTTP_200=MeOut, HTTP_401=ErrorBody), tags=["account"], security=SHOPPER
)
def me():
    """Who you are signed in as."""
    return me_out(_me())


@api_bp.patch("/me")
@shopper_required
@api_spec.validate(
    json=MeUpdate,
    resp=answers(HTTP_200=MeOut, HTTP_401=ErrorBody),
    tags=["account"],
    security=SHOPPER,
)
def update_me(json: MeUpdate):
    """Change your name, mobile number or language (the profile page's rules)."""
    user = _me()
    values = {"name": user.name, "phone": user.phone or "", "locale": user.locale or ""}
    values.update({k: getattr(json, k) or "" for k in json.model_fields_set})
    save_profile(user, check_form(ProfileForm, values))
    db.session.commit()
    return me_out(user)


@api_bp.get("/me/addresses")
@shopper_required
@api_spec.validate(
    resp=answers(HTTP_200=SavedAddressList, HTTP_401=ErrorBody), tags=["account"], security=SHOPPER
)
def list_addresses():
    """Your saved addresses, oldest first (checkout keeps each new one)."""
    return SavedAddressList(items=[address_out(a) for a in _me().addresses])


@api_bp.post("/me/addresses")
@shopper_required
@api_spec.validate(
    json=SavedAddressIn,
    resp=answers(HTTP_201=SavedAddressOut, HTTP_401=ErrorBody),
    tags=["account"],
    security=SHOPPER,
)
def add_address(json: SavedAddressIn):
    """Save an address for later checkouts."""
    form = check_form(AddressForm, json.model_dump())
    address = Address(user_id=_me().id)
    form.populate_obj(address)
    db.session.add(address)
    db.session.commit()
    return address_out(address), 201


@api_bp.delete("/me/addresses/<int:address_id>")
@shopper_required
@api_spec.validate(
    resp=answers(HTTP_200=Message, HTTP_401=ErrorBody), tags=["account"], security=SHOPPER
)
def delete_address(address_id: int):
    """Remove one of your saved addresses (orders keep the address they were sent to)."""
    address = db.session.get(Address, valid_id(address_id))
    if address is None or address.user_id != _me().id:
        raise ApiError(404)
    db.session.delete(address)
    db.session.commit()
    return Message(message=_("Address removed."))


def _inbox(user: User):
    return (Notification.user_id == user.id) & in_this_shop()


def _unread(user: User) -> int:
    return db.session.scalar(
        select(func.count(Notification.id)).where(_inbox(user), Notification.read_at.is_(None))
    )


@api_bp.get("/shops/<merchant>/inbox")
@shopper_required
@api_spec.validate(
    query=PageQuery,
    resp=answers(HTTP_200=InboxPage, HTTP_401=ErrorBody),
    tags=["account"],
    security=SHOPPER,
)
def inbox(query: PageQuery):
    """Messages from this shop to you (and those of no shop), newest first."""
    user = _me()
    rows, cursor = keyset(select(Notification).where(_inbox(user)), [Notification.id], query)
    return InboxPage(
        items=[
            InboxItem(
                id=n.id,
                kind=n.kind,
                title=n.title,
                body=n.body or "",
                link=n.link,
                unread=n.read_at is None,
                created_at=n.created_at,
            )
            for n in rows
        ],
        next_cursor=cursor,
        unread=_unread(user),
    )


@api_bp.post("/shops/<merchant>/inbox/read")
@shopper_required
@api_spec.validate(
    json=InboxRead,
    resp=answers(HTTP_200=InboxReadOut, HTTP_401=ErrorBody),
    tags=["account"],
    security=SHOPPER,
)
def mark_read(json: InboxRead):
    """Mark messages read: those of `ids` (others are left alone), or all of them."""
    user = _me()
    marking = update(Notification).where(_inbox(user), Notification.read_at.is_(None))
    if json.ids is not None:
        marking = marking.where(Notification.id.in_(json.ids))
    marked = db.session.execute(marking.values(read_at=utcnow())).rowcount
    db.session.commit()
    return InboxReadOut(marked=marked, unread=_unread(user))
