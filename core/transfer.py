"""Moving one shop between installations as JSON: catalogue, orders, staff, settings, plugins.

Rows refer to each other by natural keys (category and product slugs, variant SKUs, order
numbers, user emails, upload tokens), never by database ids, which differ in the target.
Plugins add their own data through `export_merchant_data` / `import_merchant_data`.
The import runs in one transaction: a bad file leaves the target database untouched.
"""

from __future__ import annotations

import base64
from datetime import datetime
from typing import Any

from flask import current_app
from sqlalchemy import select

from .extensions import db
from .models import (
    Category,
    Membership,
    Merchant,
    Order,
    OrderItem,
    OrderStatusChange,
    PluginSetting,
    Product,
    Upload,
    User,
    Variant,
)
from .shops import SlugError, check_slug
from .uploads import upload_dir

FORMAT = "storefront-shop/1"
MERCHANT_FIELDS = (
    "name",
    "theme",
    "timezone",
    "locale",
    "currency",
    "contact_email",
    "return_address",
    "business_hours",
)
USER_FIELDS = ("email", "name", "phone", "locale", "password_hash")
ORDER_FIELDS = (
    "number",
    "status",
    "currency",
    "total_minor",
    "recipient",
    "phone",
    "address",
    "note",
    "payment_method",
)
ITEM_FIELDS = ("product_name", "sku", "size", "colour", "quantity", "unit_price_minor")


class TransferError(ValueError):
    """The file cannot be imported; the message says what is wrong and where."""


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def export_merchant(merchant: Merchant) -> dict[str, Any]:
    users: dict[int, User] = {}

    def email(user_id: int | None) -> str | None:
        if user_id is None:
            return None
        if user_id not in users:
            users[user_id] = db.session.get(User, user_id)
        return users[user_id].email

    categories = db.session.scalars(select(Category).where(Category.merchant_id == merchant.id))
    category_slugs = {}
    category_rows = []
    for c in categories:
        category_slugs[c.id] = c.slug
        category_rows.append(
            {"slug": c.slug, "name": c.name, "kind": c.kind, "position": c.position}
        )
    uploads = db.session.scalars(select(Upload).where(Upload.merchant_id == merchant.id)).all()
    products = db.session.scalars(select(Product).where(Product.merchant_id == merchant.id))
    orders = db.session.scalars(select(Order).where(Order.merchant_id == merchant.id))
    memberships = db.session.scalars(
        select(Membership).where(Membership.merchant_id == merchant.id)
    )
    settings = db.session.scalars(
        select(PluginSetting).where(PluginSetting.merchant_id == merchant.id)
    )
    data = {
        "format": FORMAT,
        "merchant": {"slug": merchant.slug, **{f: getattr(merchant, f) for f in MERCHANT_FIELDS}},
        "staff": [{"user": email(m.user_id), "role": m.role} for m in memberships],
        "categories": category_rows,
        "uploads": [_export_upload(u, email) for u in uploads],
        "products": [
            {
                "slug": p.slug,
                "name": p.name,
                "description": p.description,
                "price_minor": p.price_minor,
                "active": p.active,
                "category": category_slugs[p.category_id],
                "image": p.image.token if p.image else None,
                "variants": [
                    {
                        "sku": v.sku,
                        "size": v.size,
                        "colour": v.colour,
                        "stock": v.stock,
                        "price_minor": v.price_minor,
                    }
                    for v in p.variants
                ],
            }
            for p in products
        ],
        "orders": [
            {
                **{f: getattr(o, f) for f in ORDER_FIELDS},
                "user": email(o.user_id),
                "paid_at": _iso(o.paid_at),
                "created_at": _iso(o.created_at),
                "items": [
                    {
                        **{f: getattr(i, f) for f in ITEM_FIELDS},
                        "product": i.product.slug if i.product else None,
                    }
                    for i in o.items
                ],
                "history": [
                    {
                        "old": h.old_status,
                        "new": h.new_status,
                        "actor": email(h.actor_id),
                        "actor_label": h.actor_label,
                        "note": h.note,
                        "at": _iso(h.created_at),
                    }
                    for h in o.history
                ],
            }
            for o in orders
        ],
        "plugin_settings": [
            {
                "category": category_slugs.get(s.category_id),
                "plugin": s.plugin,
                "enabled": s.enabled,
                "config": s.config,
            }
            for s in settings
        ],
    }
    manager = current_app.extensions["storefront"].plugins
    plugin_data = {}
    for name, result in _per_plugin(manager, "export_merchant_data", merchant=merchant):
        if result is not None:
            plugin_data[name] = result
    data["plugins"] = plugin_data
    data["users"] = [{f: getattr(u, f) for f in USER_FIELDS} for u in users.values()]
    return data


def _export_upload(upload: Upload, email) -> dict[str, Any]:
    path = upload_dir() / upload.token
    return {
        "token": upload.token,
        "owner": email(upload.owner_id),
        "purpose": upload.purpose,
        "public": upload.public,
        "content_type": upload.content_type,
        "width": upload.width,
        "height": upload.height,
        "data": base64.b64encode(path.read_bytes()).decode() if path.exists() else None,
    }


def _per_plugin(manager, hook_name: str, **kwargs):
    """(plugin name, result) for every plugin implementing the hook."""
    caller = getattr(manager.hook, hook_name)
    for impl in caller.get_hookimpls():
        yield impl.plugin_name, impl.function(**kwargs)


def import_merchant(data: Any, slug: str | None = None) -> Merchant:
    """Create the shop from an export; raises TransferError and writes nothing on bad input."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise TransferError(f"not a Storefront shop export (expected format {FORMAT!r})")
    try:
        slug = check_slug(slug or str(data["merchant"]["slug"]))
    except (KeyError, TypeError) as error:
        raise TransferError("the file has no merchant") from error
    except SlugError as error:
        raise TransferError(f"{error}; import with --slug NEW") from error
    try:
        with db.session.begin_nested():
            merchant = _import(data, slug)
    except TransferError:
        db.session.rollback()
        raise
    except (KeyError, TypeError, ValueError) as error:
        db.session.rollback()
        raise TransferError(f"the file is incomplete or damaged: {error!r}") from error
    return merchant


def _import(data: dict[str, Any], slug: str) -> Merchant:
    source = data["merchant"]
    users = {}
    for row in data.get("users", []):
        user = db.session.scalar(select(User).where(User.email == row["email"]))
        if user is None:
            user = User(**{f: row.get(f) for f in USER_FIELDS})
            db.session.add(user)
        users[row["email"]] = user
    merchant = Merchant(slug=slug, **{f: source.get(f) for f in MERCHANT_FIELDS})
    db.session.add(merchant)
    db.session.flush()
    for row in data.get("staff", []):
        db.session.add(
            Membership(user=users[row["user"]], merchant_id=merchant.id, role=row["role"])
        )
    categories = {}
    for row in data.get("categories", []):
        categories[row["slug"]] = Category(merchant_id=merchant.id, **row)
        db.session.add(categories[row["slug"]])
    uploads = {
        row["token"]: _import_upload(merchant, row, users) for row in data.get("uploads", [])
    }
    db.session.flush()
    products, variants = {}, {}
    for row in data.get("products", []):
        product = Product(
            merchant_id=merchant.id,
            category_id=categories[row["category"]].id,
            slug=row["slug"],
            name=row["name"],
            description=row.get("description", ""),
            price_minor=row["price_minor"],
            active=row.get("active", True),
            image_id=uploads[row["image"]].id if row.get("image") in uploads else None,
        )
        product.variants = [Variant(**v) for v in row.get("variants", [])]
        db.session.add(product)
        products[row["slug"]] = product
    db.session.flush()
    for product in products.values():
        for variant in product.variants:
            variants[variant.sku] = variant
    for row in data.get("orders", []):
        order = Order(
            merchant_id=merchant.id,
            user=users[row["user"]],
            paid_at=_time(row.get("paid_at")),
            created_at=_time(row.get("created_at")),
            **{f: row.get(f) for f in ORDER_FIELDS},
        )
        order.items = [
            OrderItem(
                product_id=products[i["product"]].id if i.get("product") in products else None,
                variant_id=variants[i["sku"]].id if i["sku"] in variants else None,
                **{f: i.get(f) for f in ITEM_FIELDS},
            )
            for i in row.get("items", [])
        ]
        order.history = [
            OrderStatusChange(
                old_status=h["old"],
                new_status=h["new"],
                actor_id=users[h["actor"]].id
                if h.get("actor") in users and users[h["actor"]].id
                else None,
                actor_label=h["actor_label"],
                note=h.get("note"),
                created_at=_time(h.get("at")),
            )
            for h in row.get("history", [])
        ]
        db.session.add(order)
    manager = current_app.extensions["storefront"].plugins
    for row in data.get("plugin_settings", []):
        if row["plugin"] not in manager.records:
            continue  # a plugin this installation does not have: its settings stay behind
        category = categories.get(row["category"]) if row.get("category") else None
        db.session.add(
            PluginSetting(
                merchant_id=merchant.id,
                category_id=category.id if category else None,
                plugin=row["plugin"],
                enabled=row.get("enabled"),
                config=row.get("config") or {},
            )
        )
    db.session.flush()
    for _name, _result in _per_plugin(
        manager, "import_merchant_data", merchant=merchant, data=data.get("plugins", {})
    ):
        pass
    db.session.flush()
    return merchant


def _import_upload(merchant: Merchant, row: dict[str, Any], users: dict[str, User]) -> Upload:
    existing = db.session.scalar(select(Upload).where(Upload.token == row["token"]))
    if existing is not None:
        return existing  # a copy inside the same installation shares the stored file
    raw = base64.b64decode(row["data"]) if row.get("data") else b""
    if raw:
        (upload_dir() / row["token"]).write_bytes(raw)
    upload = Upload(
        token=row["token"],
        merchant_id=merchant.id,
        owner_id=users[row["owner"]].id
        if row.get("owner") in users and users[row["owner"]].id
        else None,
        purpose=row["purpose"],
        public=row["public"],
        content_type=row["content_type"],
        size=len(raw),
        width=row["width"],
        height=row["height"],
    )
    db.session.add(upload)
    return upload
