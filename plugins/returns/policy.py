"""Return policy per category kind, eligibility of each order line, and RMA numbers."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select, update

from storefront import Order, OrderItem, call_hook, db, scope_of, utcnow
from storefront import lazy_gettext as _l

from .models import OPEN_STATES, ReturnItem, ReturnRequest

REASONS = {
    "wrong_size": _l("Wrong size"),
    "quality": _l("Quality problem"),
    "not_as_described": _l("Not as described"),
    "changed_mind": _l("Changed my mind"),
    "damaged": _l("Damaged in transit"),
}
PHOTO_REASONS = ("quality", "damaged")
SHOP_PAYS_FOR = ("quality", "damaged", "not_as_described")

POLICY_KEYS = (
    "return_days",
    "exchange_days",
    "hygiene_rule",
    "free_size_exchange",
    "auto_approve_size_exchange",
)
CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


@dataclass(frozen=True)
class ReturnPolicy:
    """The rules for one order line; the numbers come from the plugin's settings (PluginInfo)."""

    return_days: int
    exchange_days: int
    hygiene_rule: bool
    free_size_exchange: bool
    auto_approve_size_exchange: bool
    reasons: tuple[str, ...] = tuple(REASONS)
    photo_reasons: tuple[str, ...] = PHOTO_REASONS
    shop_pays_for: tuple[str, ...] = SHOP_PAYS_FOR


def settings_policy(item: OrderItem) -> ReturnPolicy:
    """The line's category settings: kind defaults <- shop <- category, merged by the core."""
    settings = scope_of(item).settings("returns")
    return ReturnPolicy(**{key: settings[key] for key in POLICY_KEYS})


def policy_for(item: OrderItem, order: Order) -> ReturnPolicy:
    found = call_hook("return_policy", item=item, order=order)
    return found[0] if found else settings_policy(item)


def delivered_at(order: Order) -> datetime | None:
    """From a shipping plugin when one knows, else when the order was completed."""
    from_hook = call_hook("order_delivered_at", order=order)
    if from_hook and from_hook[0]:
        return from_hook[0]
    done = [c.created_at for c in order.history if c.new_status == "completed"]
    return max(done) if done else None


def returned_quantities(order: Order) -> dict[int, int]:
    rows = db.session.execute(
        select(ReturnItem.order_item_id, func.sum(ReturnItem.quantity))
        .join(ReturnRequest, ReturnRequest.id == ReturnItem.request_id)
        .where(
            ReturnRequest.order_id == order.id,
            ReturnRequest.status.not_in(("rejected", "cancelled")),
        )
        .group_by(ReturnItem.order_item_id)
    ).all()
    return {item_id: int(qty) for item_id, qty in rows}


def lock_lines(item_ids) -> None:
    """Hold these order lines until the transaction ends: parallel requests count in turn.

    Counting what is left and adding the request must be one step, or every one of ten
    requests sent together sees the last unit free. PostgreSQL locks the lines' rows (in id
    order, so two requests never wait for each other); SQLite has one lock for all writers,
    and a write that changes nothing takes it now, before the count, rather than at the
    insert, after it.
    """
    ids = sorted(set(item_ids))
    if db.session.get_bind().dialect.name == "sqlite":
        db.session.execute(
            update(OrderItem)
            .where(OrderItem.id.in_(ids))
            .values(quantity=OrderItem.quantity)
            .execution_options(synchronize_session=False)
        )
    else:
        db.session.execute(
            select(OrderItem.id)
            .where(OrderItem.id.in_(ids))
            .order_by(OrderItem.id)
            .with_for_update()
        )


def already_returned(item: OrderItem, left: int) -> str:
    """Why a quantity of this line cannot be asked for: the rest is returned or asked for."""
    if left <= 0:
        return str(_l("%(product)s has already been returned.", product=item.product_name))
    return str(
        _l(
            "%(product)s: only %(n)d can still be returned; the others have already been returned.",
            product=item.product_name,
            n=left,
        )
    )


@dataclass(frozen=True)
class Problem:
    """Why part of a return request is refused: shown on the form, answered by the API.

    `field` names the input at fault (`quantity`, `exchange_variant_id`, `opened` of the
    line `item_id`; `order_item_id` of a line not offered; `reason`, `photos`, `lines`);
    `kind` is `invalid` (the input), `conflict` (what is left of the order now) or
    `not_offered` (returns are off for that line, or it is not one of the order's);
    `position` is the place of the line in what was asked, when known.
    """

    message: str
    field: str
    item_id: int | None = None
    kind: str = "invalid"
    position: int | None = None


def claim(order: Order, chosen: list[ReturnItem], items: dict[int, OrderItem]) -> list[Problem]:
    """Lock the chosen lines and count again; problems for what another request took first.

    An empty answer means the quantities are still free and stay so until the commit.
    """
    lock_lines(c.order_item_id for c in chosen)
    taken = returned_quantities(order)
    problems = []
    for row in chosen:
        item = items[row.order_item_id]
        left = item.quantity - taken.get(item.id, 0)
        if row.quantity > left:
            problems.append(Problem(already_returned(item, left), "quantity", item.id, "conflict"))
    return problems


@dataclass
class Eligibility:
    item: OrderItem
    policy: ReturnPolicy
    returnable: int
    can_return: bool
    can_exchange: bool
    why_not: list[str] = field(default_factory=list)


def eligibility(order: Order, lines: list[OrderItem]) -> list[Eligibility]:
    """What each of these lines (those where returns are on) allows now, and why not."""
    delivered = delivered_at(order)
    taken = returned_quantities(order)
    now = utcnow()
    result = []
    for item in lines:
        policy = policy_for(item, order)
        left = item.quantity - taken.get(item.id, 0)
        why = []
        if delivered is None:
            why.append(str(_l("The order has not been delivered yet.")))
        if left <= 0:
            why.append(str(_l("Already returned.")))
        can_return = delivered is not None and now <= delivered + timedelta(days=policy.return_days)
        can_exchange = delivered is not None and now <= delivered + timedelta(
            days=policy.exchange_days
        )
        if delivered is not None and not (can_return or can_exchange):
            why.append(
                str(
                    _l(
                        "The %(days)d-day window is over.",
                        days=max(policy.return_days, policy.exchange_days),
                    )
                )
            )
        if item.product_id is None:
            why.append(str(_l("This product is no longer sold.")))
        ok = not why
        result.append(
            Eligibility(item, policy, max(left, 0), ok and can_return, ok and can_exchange, why)
        )
    return result


def new_rma() -> str:
    """RMA-20261123-7K3Q: the day, then four characters nobody misreads on the phone."""
    day = utcnow().strftime("%Y%m%d")
    for _ in range(20):
        code = "".join(secrets.choice(CROCKFORD) for _ in range(4))
        rma = f"RMA-{day}-{code}"
        if not db.session.scalar(select(ReturnRequest.id).where(ReturnRequest.rma == rma)):
            return rma
    raise RuntimeError("no free RMA number")


def open_request_count(merchant_id: int) -> int:
    return db.session.scalar(
        select(func.count(ReturnRequest.id)).where(
            ReturnRequest.merchant_id == merchant_id, ReturnRequest.status.in_(OPEN_STATES)
        )
    )
