"""Asking for a return: the checks of what the shopper asks for, and the request it makes.

The form and the API both come here, so a line, a quantity, an exchange size, a photo or
the hygiene rule is judged the same way whichever way the shopper asks.
"""

from __future__ import annotations

from dataclasses import dataclass

from storefront import Order, Upload, User, Variant, db, gettext

from .flow import FlowError, move, record
from .models import ReturnItem, ReturnPhoto, ReturnRequest
from .policy import Eligibility, Problem, ReturnPolicy, already_returned, new_rma


@dataclass(frozen=True)
class Wanted:
    """One order line the shopper asks to send back.

    `quantity` is None when what was sent is not a whole number from 1 to the line's
    quantity (the form's text); `opened` says the item was opened or used.
    """

    order_item_id: int
    quantity: int | None
    exchange_variant_id: int | None = None
    opened: bool = False


def not_offered(order: Order, lines: list[Eligibility], wanted: list[Wanted]) -> list[Problem]:
    """Problems for lines where returns are not offered (their category), or not the order's."""
    offered = {line.item.id for line in lines}
    items = {item.id: item for item in order.items}
    problems = []
    for position, row in enumerate(wanted):
        if row.order_item_id in offered:
            continue
        item = items.get(row.order_item_id)
        message = (
            gettext("%(product)s cannot be returned here.", product=item.product_name)
            if item is not None
            else gettext("This item is not part of the order.")
        )
        problems.append(
            Problem(message, "order_item_id", row.order_item_id, "not_offered", position)
        )
    return problems


def _exchange_variant(
    line: Eligibility, row: Wanted, position: int, quantity: int
) -> Variant | Problem:
    variant = db.session.get(Variant, row.exchange_variant_id or 0)
    item = line.item
    if variant is None or variant.product_id != item.product_id or variant.id == item.variant_id:
        return Problem(
            gettext(
                "%(product)s: choose the size or colour you want instead.",
                product=item.product_name,
            ),
            "exchange_variant_id",
            item.id,
            position=position,
        )
    if variant.stock < quantity:
        return Problem(
            gettext(
                "%(product)s: %(variant)s is sold out; choose a refund or another size.",
                product=item.product_name,
                variant=variant.label,
            ),
            "exchange_variant_id",
            item.id,
            "conflict",
            position,
        )
    return variant


def chosen_lines(
    lines: list[Eligibility], kind: str, wanted: list[Wanted], problems: list[Problem]
) -> list[ReturnItem]:
    """The lines and quantities asked for, each checked against what it allows now."""
    asked: dict[int, tuple[int, Wanted]] = {}
    for position, row in enumerate(wanted):
        if row.order_item_id in asked:
            problems.append(
                Problem(
                    gettext("This item is listed twice."),
                    "order_item_id",
                    row.order_item_id,
                    position=position,
                )
            )
        asked.setdefault(row.order_item_id, (position, row))
    chosen = []
    for line in lines:
        if line.item.id not in asked:
            continue
        position, row = asked[line.item.id]
        quantity = row.quantity
        if quantity is None or not 1 <= quantity <= line.item.quantity:
            problems.append(
                Problem(
                    gettext(
                        "%(product)s: choose from 1 to %(n)d.",
                        product=line.item.product_name,
                        n=line.returnable,
                    )
                    if line.returnable
                    else already_returned(line.item, 0),
                    "quantity",
                    line.item.id,
                    "invalid" if line.returnable else "conflict",
                    position,
                )
            )
            continue
        if quantity > line.returnable:  # the rest is in other requests (or came back)
            problems.append(
                Problem(
                    already_returned(line.item, line.returnable),
                    "quantity",
                    line.item.id,
                    "conflict",
                )
            )
            continue
        allowed = line.can_exchange if kind == "exchange" else line.can_return
        if not allowed:
            problems.append(
                Problem(
                    f"{line.item.product_name}: "
                    + (" ".join(line.why_not) or gettext("not possible for this item.")),
                    "order_item_id",
                    line.item.id,
                    "conflict",
                    position,
                )
            )
            continue
        chosen_row = ReturnItem(order_item_id=line.item.id, quantity=quantity)
        if kind == "exchange":
            variant = _exchange_variant(line, row, position, quantity)
            if isinstance(variant, Problem):
                problems.append(variant)
                continue
            chosen_row.exchange_variant_id = variant.id
        chosen.append(chosen_row)
    if not chosen and not problems:
        problems.append(Problem(gettext("Choose at least one item and how many."), "lines"))
    return chosen


def check_request(
    order: Order,
    lines: list[Eligibility],
    kind: str,
    reason: str,
    wanted: list[Wanted],
    photos: int,
) -> tuple[list[ReturnItem], list[Problem]]:
    """What of `wanted` can be asked for, and every problem, in the order the form lists them.

    `lines` are the order's lines where returns are on (`policy.eligibility`); `photos` is
    how many pictures come with the request.
    """
    problems = not_offered(order, lines, wanted)
    chosen = chosen_lines(lines, kind, wanted, problems)
    policies = {line.item.id: line.policy for line in lines}
    if any(reason in policies[c.order_item_id].photo_reasons for c in chosen) and not photos:
        problems.append(
            Problem(gettext("Please add at least one photo showing the problem."), "photos")
        )
    chosen_ids = {c.order_item_id for c in chosen}
    opened = [
        (position, row.order_item_id)
        for position, row in enumerate(wanted)
        if row.opened
        and row.order_item_id in chosen_ids
        and policies[row.order_item_id].hygiene_rule
    ]
    if reason == "changed_mind" and opened:
        position, item_id = opened[0]
        problems.append(
            Problem(
                gettext("For hygiene, opened bedding cannot be returned for a change of mind."),
                "opened",
                item_id,
                position=position,
            )
        )
    return chosen, problems


def create_request(
    order: Order,
    user: User,
    kind: str,
    reason: str,
    description: str,
    chosen: list[ReturnItem],
    uploads: list[Upload],
    policies: dict[int, ReturnPolicy],
) -> ReturnRequest:
    """The request with its RMA; a size exchange the policy approves at once is approved.

    Call after `policy.claim` found the quantities free; the caller commits.
    """
    policy = policies[chosen[0].order_item_id]
    shop_pays = reason in policy.shop_pays_for or (
        kind == "exchange" and reason == "wrong_size" and policy.free_size_exchange
    )
    created = ReturnRequest(
        merchant_id=order.merchant_id,
        order_id=order.id,
        user_id=user.id,
        rma=new_rma(),
        kind=kind,
        reason=reason,
        description=description.strip(),
        shipping_paid_by="shop" if shop_pays else "shopper",
        items=chosen,
        photos=[ReturnPhoto(upload_id=u.id) for u in uploads],
    )
    created.order = order
    created.user = user
    record(created, "requested", user.name)
    db.session.add(created)
    db.session.flush()
    auto = (
        kind == "exchange"
        and reason == "wrong_size"
        and all(policies[c.order_item_id].auto_approve_size_exchange for c in chosen)
    )
    if auto:
        try:
            with db.session.begin_nested():
                move(created, "approved", "auto-approval", None)
        except FlowError:
            pass  # out of stock since the form: the shop decides
    return created
