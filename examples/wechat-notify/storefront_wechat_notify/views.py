"""Admin page: the messages queued for this shop, newest first."""

from flask import Blueprint, g, request

from storefront import db, render_template, tenant_select

from .models import WechatMessage

blueprint = Blueprint("wechat_notify", __name__, template_folder="templates")


@blueprint.route("/admin/<merchant>/wechat")
def messages():
    page = request.args.get("page", 1, type=int) or 1
    messages = db.paginate(
        tenant_select(WechatMessage).order_by(WechatMessage.id.desc()),
        page=max(page, 1),
        per_page=20,
        error_out=False,
    )
    return render_template(
        "wechat_notify/messages.html", messages=messages, settings=g.scope.settings("wechat_notify")
    )
