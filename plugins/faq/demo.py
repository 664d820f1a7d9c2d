"""Demo answers in the shop's language, and a few shoppers' questions to answer."""

from __future__ import annotations

from sqlalchemy import select

from storefront import Product, db

from .models import FaqEntry, FaqQuestion

ENGLISH = [
    (
        None,
        "material",
        "What is washed linen?",
        "Linen pre-washed with stones: **soft from the first night**; it will not shrink again.",
    ),
    (
        None,
        "care",
        "How do I wash linen bedding?",
        "Machine wash at 40 °C, gentle cycle, with mild detergent.\n\n"
        "- No bleach\n- Tumble dry low or line dry",
    ),
    (
        None,
        "shipping",
        "When will my order ship?",
        "Orders paid before 16:00 ship the same day from Suzhou; delivery takes 1–3 days.",
    ),
    (
        None,
        "returns",
        "Can I return opened bedding?",
        "Unopened items within 30 days. Opened pillow inserts and duvets cannot be returned "
        "for hygiene reasons unless faulty.",
    ),
    (None, "payment", "Which payment methods do you accept?", "Alipay, WeChat Pay and bank cards."),
    (
        "bedding",
        "sizing",
        "Which duvet cover fits a 1.8 m bed?",
        "Choose **220 × 240 cm**. See the size guide for every bed width.",
    ),
    (
        "shoes",
        "sizing",
        "Do your sneakers run small?",
        "They are true to size. With wide feet, choose half a size up.",
    ),
    (
        "apparel",
        "care",
        "Will the tees shrink?",
        "They are pre-shrunk; expect at most 2 % after the first wash at 30 °C.",
    ),
]
CHINESE = [
    (
        None,
        "material",
        "什么是水洗亚麻？",
        "经过石洗处理的亚麻，**第一晚就很柔软**，之后不会再缩水。",
    ),
    (
        None,
        "care",
        "床品怎么洗？",
        "机洗 40 °C 轻柔模式，使用中性洗涤剂；不要漂白，低温烘干或晾干。",
    ),
    (None, "shipping", "什么时候发货？", "16:00 前付款当天从苏州发货，一般 1–3 天送达。"),
    (
        None,
        "returns",
        "拆封的被芯可以退吗？",
        "未拆封商品 30 天内可退。出于卫生原因，拆封的枕芯和被芯除质量问题外不予退换。",
    ),
    ("bedding", "sizing", "1.8 米的床选多大的被套？", "选择 **220 × 240 cm** 的被套，详见尺码表。"),
]
QUESTIONS = {
    "demo": "Is the linen duvet cover warm enough for winter?",
    "mianmian": "床笠的松紧带能包住 30 厘米厚的床垫吗？",
}


def seed(merchant, categories, shoppers, staff) -> None:
    by_kind = {c.kind: c for c in categories}
    rows = CHINESE if merchant.locale == "zh_CN" else ENGLISH
    for position, (kind, topic, question, answer) in enumerate(rows):
        category = by_kind.get(kind) if kind else None
        if kind and category is None:
            continue
        entry = FaqEntry(
            merchant_id=merchant.id,
            category_id=category.id if category else None,
            topic=topic,
            question=question,
            answer=answer,
            position=position,
        )
        entry.index_text()
        db.session.add(entry)
    if shoppers and categories:
        product = db.session.scalar(
            select(Product).where(Product.category_id == categories[0].id).limit(1)
        )
        db.session.add(
            FaqQuestion(
                merchant_id=merchant.id,
                product_id=product.id if product else None,
                user_id=shoppers[0].id,
                text=QUESTIONS.get(merchant.slug, QUESTIONS["demo"]),
            )
        )
