"""Transactional outbox: events are rows written with the change, delivered after commit.

Each (event, plugin) pair is a delivery retried on its own with exponential back-off, so a
failing plugin neither rolls back the order nor holds up the other plugins. Deliveries that
keep failing end as `dead` and are listed in the platform admin for retry or discard.
"""

from __future__ import annotations

import logging
import os
import socket
import traceback
from contextlib import ExitStack
from datetime import timedelta
from typing import Any

from flask import current_app, g, has_request_context
from sqlalchemy import or_, select, update

from .dispatch import acting, dispatch
from .extensions import db
from .models import EventDelivery, Merchant, OutboxEvent, utcnow
from .scopes import Scope

log = logging.getLogger("storefront.events")

MAX_ATTEMPTS = 6
BASE_DELAY_SECONDS = 10
LEASE_SECONDS = 300


def lease() -> timedelta:
    """How long a delivery may stay `running` before another worker takes it up.

    A worker killed mid-delivery leaves its claim behind; after the lease the delivery is due
    again. It must outlast the slowest handler, or a live delivery would run twice.
    """
    seconds = current_app.config.get("STOREFRONT_EVENT_LEASE_SECONDS", LEASE_SECONDS)
    return timedelta(seconds=seconds)


def claimant() -> str:
    """Which process holds a delivery (host:pid), for whoever looks into one that hangs."""
    return f"{socket.gethostname()}:{os.getpid()}"[:128]


def backoff(attempts: int) -> timedelta:
    """10 s, 20 s, 40 s ... capped at one hour."""
    return timedelta(seconds=min(BASE_DELAY_SECONDS * 2 ** max(attempts - 1, 0), 3600))


def _serialise(value: Any) -> Any:
    if isinstance(value, db.Model):
        return {"__model__": value.__tablename__, "id": value.id}
    return value


def _deserialise(value: Any) -> Any:
    if isinstance(value, dict) and "__model__" in value:
        for mapper in db.Model.registry.mappers:
            if getattr(mapper.class_, "__tablename__", None) == value["__model__"]:
                return db.session.get(mapper.class_, value["id"])
        raise LookupError(f"unknown model {value['__model__']}")
    return value


def emit(name: str, merchant: Merchant | None = None, **kwargs: Any) -> OutboxEvent:
    """Record an event in the current transaction; it is delivered once that commits."""
    event = OutboxEvent(
        name=name,
        merchant_id=merchant.id if merchant is not None else None,
        payload={k: _serialise(v) for k, v in kwargs.items()},
    )
    db.session.add(event)
    if has_request_context():
        g.events_pending = True
    return event


def dispatch_if_pending(inline: bool = True) -> None:
    """After a request that emitted events: deliver them now, or wake the worker."""
    if getattr(g, "events_pending", False):
        g.events_pending = False
        if not inline:
            from .doorbell import ring

            ring()
            return
        try:
            dispatch_due()
        except Exception:  # delivery must never break the request that caused it
            log.exception("inline event dispatch failed")
            db.session.rollback()


def _event_kwargs(event: OutboxEvent) -> dict[str, Any]:
    """The event's arguments; one a hook gained since the event was written is None."""
    manager = current_app.extensions["storefront"].plugins
    caller = getattr(manager.hook, event.name)
    declared = dict.fromkeys(caller.spec.argnames if caller.spec else ())
    return {**declared, **{k: _deserialise(v) for k, v in event.payload.items()}}


def _event_scope(event: OutboxEvent) -> Scope | None:
    merchant = db.session.get(Merchant, event.merchant_id) if event.merchant_id else None
    return Scope(merchant) if merchant is not None else None


def _fan_out() -> None:
    """Turn pending events into one delivery per plugin the event reaches.

    The scope follows the object: an order event reaches a plugin only when it is on for
    at least one of the order's lines, so a plugin off for shoes hears nothing of an order
    of shoes.
    """
    manager = current_app.extensions["storefront"].plugins
    events = db.session.scalars(
        select(OutboxEvent)
        .where(OutboxEvent.status == "pending")
        .order_by(OutboxEvent.id)
        .limit(200)
    ).all()
    for event in events:
        if hasattr(manager.hook, event.name):
            plugins = acting(event.name, _event_kwargs(event), _event_scope(event), manager)
        else:
            plugins = []
        for plugin in plugins:
            db.session.add(EventDelivery(event_id=event.id, plugin=plugin))
        event.status = "fanned_out"
    db.session.commit()


def _left_by_a_dead_worker(now):
    return (EventDelivery.status == "running") & (EventDelivery.updated_at < now - lease())


def _due(now):
    """Pending and due, or claimed by a worker whose lease ran out."""
    return or_(
        (EventDelivery.status == "pending") & (EventDelivery.next_attempt_at <= now),
        _left_by_a_dead_worker(now),
    )


def _claim(delivery_id: int) -> bool:
    """Mark a delivery running; only one worker wins the claim."""
    now = utcnow()
    result = db.session.execute(
        update(EventDelivery)
        .where(EventDelivery.id == delivery_id)
        .where(_due(now))
        .values(
            status="running",
            updated_at=now,
            claimed_by=claimant(),
            attempts=EventDelivery.attempts + 1,  # counted now: a worker may die during it
        )
    )
    db.session.commit()
    return result.rowcount == 1


def deliver(delivery: EventDelivery) -> bool:
    manager = current_app.extensions["storefront"].plugins
    event = delivery.event
    try:
        # Where the plugin is no longer on (switched off since), nothing is called.
        only = (delivery.plugin,)
        dispatch(event.name, _event_kwargs(event), _event_scope(event), False, only, manager)
        delivery.status = "done"
        delivery.last_error = None
        db.session.commit()
        return True
    except Exception:
        db.session.rollback()
        delivery = db.session.get(EventDelivery, delivery.id)
        delivery.last_error = traceback.format_exc(limit=5)[-4000:]
        if delivery.attempts >= MAX_ATTEMPTS:
            delivery.status = "dead"
        else:
            delivery.status = "pending"
            delivery.next_attempt_at = utcnow() + backoff(delivery.attempts)
        db.session.commit()
        log.warning(
            "event %s to plugin %s failed (attempt %d)",
            event.name,
            delivery.plugin,
            delivery.attempts,
        )
        if current_app.config["STOREFRONT_STRICT_PLUGINS"] and current_app.config.get(
            "STOREFRONT_STRICT_EVENTS", False
        ):
            raise
        return False


def dispatch_due(limit: int = 500) -> int:
    """Deliver what is due now; returns how many deliveries succeeded.

    Outside a request (the worker, the CLI) a request context for the configured base URL
    is pushed, so handlers can build links with `url_for`.
    """
    if not has_request_context():
        with _worker_context():
            return _dispatch_due(limit)
    return _dispatch_due(limit)


def _worker_context():
    """A fresh app context (so a fresh `g`) and a request context for one worker pass.

    The worker runs inside one long-lived app context; `g` belongs to it, so per-request
    caches kept in `g` (the template context, review summaries) would otherwise carry one
    shop's data into the next event's handler.
    """
    app = current_app._get_current_object()
    stack = ExitStack()
    stack.enter_context(app.app_context())
    stack.enter_context(app.test_request_context("/", base_url=app.config["STOREFRONT_BASE_URL"]))
    return stack


def _bury_deliveries_that_keep_killing_workers(now) -> None:
    """A delivery whose worker died every time (out of memory, a crash) must not loop forever."""
    db.session.execute(
        update(EventDelivery)
        .where(
            _left_by_a_dead_worker(now),
            EventDelivery.attempts >= MAX_ATTEMPTS,
        )
        .values(
            status="dead",
            updated_at=now,
            last_error="The worker stopped during every attempt (killed or crashed).",
        )
    )
    db.session.commit()


def _dispatch_due(limit: int) -> int:
    _fan_out()
    now = utcnow()
    _bury_deliveries_that_keep_killing_workers(now)
    ids = db.session.scalars(
        select(EventDelivery.id).where(_due(now)).order_by(EventDelivery.id).limit(limit)
    ).all()
    done = 0
    for delivery_id in ids:
        if _claim(delivery_id):
            done += deliver(db.session.get(EventDelivery, delivery_id))
    return done


def retry(delivery: EventDelivery) -> None:
    delivery.status = "pending"
    delivery.attempts = 0
    delivery.next_attempt_at = utcnow()
    db.session.commit()


def discard(delivery: EventDelivery) -> None:
    """Give up on a dead delivery for good (kept, marked, never retried)."""
    delivery.status = "discarded"
    db.session.commit()


def dead_letters(limit: int = 200) -> list[EventDelivery]:
    """Deliveries that failed every attempt, newest first: the platform admin's list."""
    return list(
        db.session.scalars(
            select(EventDelivery)
            .where(EventDelivery.status == "dead")
            .order_by(EventDelivery.updated_at.desc(), EventDelivery.id.desc())
            .limit(limit)
        )
    )


def run_periodic(now=None) -> None:
    """Call `worker_tick` per shop and plugin, where the plugin is on somewhere in the shop.

    Each (shop, plugin) pair is committed on its own: one failing keeps the others' work.
    """
    manager = current_app.extensions["storefront"].plugins
    now = now or utcnow()
    plugins = manager.implementers("worker_tick")
    if not plugins:
        return
    with _worker_context():
        merchant_ids = db.session.scalars(select(Merchant.id).order_by(Merchant.id)).all()
        for merchant_id in merchant_ids:
            merchant = db.session.get(Merchant, merchant_id)
            scope = Scope(merchant)
            for plugin in plugins:
                if plugin in scope.disabled_everywhere:
                    continue
                _tick(manager, plugin, merchant, scope, now)


def _tick(manager, plugin: str, merchant: Merchant, scope: Scope, now) -> None:
    try:
        kwargs = {"merchant": merchant, "scope": scope, "now": now}
        dispatch("worker_tick", kwargs, scope, False, (plugin,), manager)
        db.session.commit()
    except Exception:
        db.session.rollback()
        log.exception("worker_tick of %s failed for shop %s", plugin, merchant.slug)
        if current_app.config["STOREFRONT_STRICT_PLUGINS"]:
            raise
