"""Demo data: two shops with catalogue, staff, shoppers and orders in every status.

Plugins add their own demo data through the `seed_demo` hook.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from flask import current_app
from PIL import Image, ImageDraw

from .events import dispatch_due
from .extensions import db
from .models import Category, Membership, Merchant, Product, User, Variant
from .orders import CartLine, change_status, mark_paid, place_order
from .shops import create_shop
from .uploads import save_bytes

DEMO_PASSWORD = "demo-pass-2026"


@dataclass(frozen=True)
class DemoAccount:
    email: str
    name: str
    role: str
    shop: str


ACCOUNTS = [
    DemoAccount("admin@storefront.example", "Platform Admin", "platform admin", "-"),
    DemoAccount("owner@demo.example", "Dana Owner", "owner", "demo"),
    DemoAccount("agent@demo.example", "Alex Agent", "agent", "demo"),
    DemoAccount("owner@mianmian.example", "林绵绵", "owner", "mianmian"),
    DemoAccount("agent@mianmian.example", "王小客服", "agent", "mianmian"),
    DemoAccount("alice@shopper.example", "Alice Shopper", "shopper", "demo, mianmian"),
    DemoAccount("bob@shopper.example", "Bob Shopper", "shopper", "demo"),
    DemoAccount("chen@shopper.example", "陈晨", "shopper", "mianmian"),
    DemoAccount("li@shopper.example", "李雷", "shopper", "mianmian"),
]

BED_SIZES = ["1.5m", "1.8m", "2.0m"]
SHOE_SIZES = ["36", "37", "38", "39", "40", "41", "42", "43", "44"]
APPAREL_SIZES = ["S", "M", "L", "XL", "XXL"]

DEMO_CATALOGUE = {
    "demo": [
        (
            "bedding",
            "bedding",
            "Bedding",
            [
                ("Washed Linen Duvet Cover", 59900, BED_SIZES, ["Oat", "Sage", "White"]),
                ("Percale Cotton Sheet Set", 39900, BED_SIZES, ["White", "Stone"]),
                ("Mulberry Silk Pillowcase", 29900, ["48x74cm"], ["Champagne", "Navy"]),
                ("Down Alternative Duvet", 69900, BED_SIZES, ["White"]),
                ("Waffle Knit Throw", 25900, ["130x170cm"], ["Sand", "Charcoal"]),
            ],
        ),
        (
            "shoes",
            "shoes",
            "Shoes",
            [
                ("Everyday Leather Sneaker", 69900, SHOE_SIZES, ["White", "Black"]),
                ("Trail Runner 2", 89900, SHOE_SIZES, ["Moss", "Slate"]),
                ("Suede Chelsea Boot", 119900, SHOE_SIZES[2:], ["Tan", "Brown"]),
                ("Canvas Slip-on", 29900, SHOE_SIZES, ["Navy", "Ecru"]),
            ],
        ),
        (
            "apparel",
            "apparel",
            "Apparel",
            [
                ("Organic Cotton Tee", 12900, APPAREL_SIZES, ["White", "Black", "Heather"]),
                ("Merino Crew Sweater", 49900, APPAREL_SIZES, ["Oat", "Forest"]),
                ("Linen Shirt", 35900, APPAREL_SIZES, ["Sky", "White"]),
                ("Relaxed Chino", 39900, APPAREL_SIZES, ["Khaki", "Navy"]),
            ],
        ),
    ],
    "mianmian": [
        (
            "bedding",
            "quilts",
            "被芯",
            [
                ("桑蚕丝被", 159900, BED_SIZES, ["白色"]),
                ("羽绒被 冬厚款", 129900, BED_SIZES, ["白色"]),
                ("大豆纤维夏凉被", 39900, BED_SIZES, ["米色", "浅蓝"]),
                ("记忆棉枕头", 19900, ["48x74cm"], ["白色"]),
            ],
        ),
        (
            "bedding",
            "sets",
            "四件套",
            [
                ("全棉磨毛四件套", 49900, BED_SIZES, ["奶咖", "雾蓝", "浅灰"]),
                ("60支长绒棉四件套", 69900, BED_SIZES, ["月白", "烟粉"]),
                ("水洗棉床单", 15900, BED_SIZES, ["灰色", "绿色"]),
                ("天丝床笠", 22900, BED_SIZES, ["香槟", "银灰"]),
            ],
        ),
    ],
}

SWATCHES = ["#b08d6a", "#6f8f7f", "#a39382", "#5f7391", "#9a6f6f", "#7d8f5f", "#8c7aa8", "#c29a5b"]


def _picture(kind: str, colour: str) -> bytes:
    """A simple drawn product picture per kind, so the demo needs no photo files."""
    image = Image.new("RGB", (800, 800), "#f4f1ec")
    draw = ImageDraw.Draw(image)
    ink = "#ffffff"
    if kind == "shoes":
        draw.polygon(
            [(150, 520), (170, 400), (330, 380), (460, 470), (640, 500), (660, 560), (150, 560)],
            fill=colour,
        )
        draw.rectangle((150, 560, 660, 590), fill="#4a4a4a")
        for x in range(300, 420, 30):
            draw.line((x, 420, x + 20, 445), fill=ink, width=6)
    elif kind == "apparel":
        draw.polygon(
            [
                (280, 200),
                (360, 180),
                (400, 220),
                (440, 180),
                (520, 200),
                (640, 300),
                (580, 370),
                (540, 340),
                (540, 640),
                (260, 640),
                (260, 340),
                (220, 370),
                (160, 300),
            ],
            fill=colour,
        )
        draw.arc((360, 160, 440, 240), 0, 180, fill=ink, width=8)
    else:
        draw.rounded_rectangle((130, 330, 670, 560), radius=30, fill=colour)
        draw.rounded_rectangle(
            (170, 280, 380, 370), radius=30, fill="#ffffff", outline=colour, width=6
        )
        draw.rounded_rectangle(
            (420, 280, 630, 370), radius=30, fill="#ffffff", outline=colour, width=6
        )
        draw.rectangle((130, 560, 160, 640), fill="#8b7355")
        draw.rectangle((640, 560, 670, 640), fill="#8b7355")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _user(account: DemoAccount, locale: str | None = None) -> User:
    user = User(
        email=account.email,
        name=account.name,
        locale=locale,
        is_platform_admin=account.role == "platform admin",
    )
    user.set_password(DEMO_PASSWORD)
    db.session.add(user)
    return user


def seed_catalogue(merchant: Merchant, spec) -> list[Category]:
    categories = []
    n = 0
    for position, (kind, slug, name, products) in enumerate(spec):
        category = Category(
            merchant_id=merchant.id, slug=slug, name=name, kind=kind, position=position
        )
        db.session.add(category)
        db.session.flush()
        categories.append(category)
        for index, (product_name, price, sizes, colours) in enumerate(products):
            image = save_bytes(
                _picture(kind, SWATCHES[n % len(SWATCHES)]), merchant, None, "product", True
            )
            n += 1
            product = Product(
                merchant_id=merchant.id,
                category_id=category.id,
                slug=f"{slug}-{index + 1}",
                name=product_name,
                description=_description(kind, product_name, merchant.locale),
                price_minor=price,
                image=image,
            )
            for size in sizes:
                for colour in colours:
                    product.variants.append(
                        Variant(
                            sku=f"{slug[:3].upper()}{index + 1}-{size}-{colour}"[:64],
                            size=size,
                            colour=colour,
                            stock=8 + (len(size) + len(colour)) % 5,
                        )
                    )
            db.session.add(product)
    db.session.flush()
    return categories


def _description(kind: str, name: str, locale: str = "en") -> str:
    if locale == "zh_CN":
        return "天然纤维，透气亲肤，预水洗更柔软。可机洗，水温不超过 40°C。"
    texts = {
        "bedding": "Breathable natural fibres, pre-washed for softness. Machine wash at 40°C.",
        "shoes": "Cushioned insole and a grippy rubber sole. Fits true to size for most feet.",
        "apparel": "Cut for an easy, relaxed fit from soft, durable fabric.",
    }
    return texts.get(kind, name)


def _orders(merchant: Merchant, shoppers: list[User], owner: User) -> None:
    """Orders in every status so each admin screen has something to show."""
    products = [p for c in merchant.categories for p in _products(c)]
    plan = [
        "pending_payment",
        "awaiting_shipment",
        "shipped",
        "completed",
        "completed",
        "cancelled",
        "awaiting_shipment",
        "shipped",
    ]
    for index, final in enumerate(plan):
        shopper = shoppers[index % len(shoppers)]
        product = products[(index * 3) % len(products)]
        variant = product.variants[index % len(product.variants)]
        order = place_order(
            merchant,
            shopper,
            [CartLine(variant.id, 1 + index % 2)],
            recipient=shopper.name,
            phone="+8613800138000",
            address="88 Century Avenue, Pudong, Shanghai 200120",
        )
        if final == "cancelled":
            change_status(order, "cancelled", shopper, note="Ordered the wrong size")
            continue
        if final == "pending_payment":
            continue
        mark_paid(order, "test")
        if final in ("shipped", "completed"):
            change_status(order, "shipped", owner)
        if final == "completed":
            change_status(order, "completed", owner)
    db.session.flush()


def _products(category: Category) -> list[Product]:
    from sqlalchemy import select

    return list(db.session.scalars(select(Product).where(Product.category_id == category.id)))


def seed_demo() -> None:
    users = {}
    for account in ACCOUNTS:
        users[account.email] = _user(account, "zh_CN" if account.shop == "mianmian" else None)
    db.session.flush()

    demo = create_shop("demo", "Demo Home & Style", users["owner@demo.example"], locale="en")
    demo.contact_email = "help@demo.example"
    demo.return_address = "Demo Returns, 12 Warehouse Road, Suzhou 215000"
    mianmian = create_shop(
        "mianmian", "绵绵家纺", users["owner@mianmian.example"], locale="zh_CN", theme="linen"
    )
    mianmian.contact_email = "kefu@mianmian.example"
    mianmian.return_address = "绵绵家纺售后部，江苏省南通市通州区家纺城 8 号，226300"
    db.session.add(
        Membership(user_id=users["agent@demo.example"].id, merchant_id=demo.id, role="agent")
    )
    db.session.add(
        Membership(
            user_id=users["agent@mianmian.example"].id, merchant_id=mianmian.id, role="agent"
        )
    )
    db.session.flush()

    manager = current_app.extensions["storefront"].plugins
    shop_people = {
        "demo": (
            [users["alice@shopper.example"], users["bob@shopper.example"]],
            [users["owner@demo.example"], users["agent@demo.example"]],
        ),
        "mianmian": (
            [
                users["chen@shopper.example"],
                users["li@shopper.example"],
                users["alice@shopper.example"],
            ],
            [users["owner@mianmian.example"], users["agent@mianmian.example"]],
        ),
    }
    for merchant in (demo, mianmian):
        categories = seed_catalogue(merchant, DEMO_CATALOGUE[merchant.slug])
        db.session.refresh(merchant)
        shoppers, staff = shop_people[merchant.slug]
        _orders(merchant, shoppers, staff[0])
        # Plugins build links (notifications) with url_for while they seed.
        with current_app.test_request_context(
            "/", base_url=current_app.config["STOREFRONT_BASE_URL"]
        ):
            manager.hook.seed_demo(
                merchant=merchant, categories=categories, shoppers=shoppers, staff=staff
            )
    db.session.commit()
    dispatch_due()


def describe_accounts() -> str:
    lines = ["", f"Demo accounts (password for all: {DEMO_PASSWORD})", ""]
    lines.append(f"  {'email':<26} {'role':<16} shop")
    for account in ACCOUNTS:
        lines.append(f"  {account.email:<26} {account.role:<16} {account.shop}")
    base = current_app.config["STOREFRONT_BASE_URL"].rstrip("/")
    lines += [
        "",
        f"  Shops:    {base}/shop/demo/   {base}/shop/mianmian/",
        f"  Admin:    {base}/admin/demo/  {base}/admin/mianmian/",
        f"  Platform: {base}/platform/",
        "",
    ]
    return "\n".join(lines)
