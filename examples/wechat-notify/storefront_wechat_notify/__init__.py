"""WeChat-style notifications: a notification channel with its own settings and admin page."""

from flask import url_for

from storefront import Link, PluginInfo, hookimpl
from storefront import lazy_gettext as _l

from . import models  # noqa: F401  (registers the table for `storefront init-db`)
from .channel import WechatChannel
from .forms import SettingsForm

info = PluginInfo(
    name="wechat_notify",
    title=_l("WeChat messages"),
    description=_l("Sends shoppers a short WeChat-style message for each notification."),
    version="1.0.0",
    default_enabled=False,
    settings_form=SettingsForm,
    default_settings={"signature": "Shop", "kinds": "order", "include_link": True},
)


@hookimpl
def init_app(app):
    from .views import blueprint

    app.register_blueprint(blueprint)


@hookimpl
def notification_channels(scope):
    """Only asked for messages about what the plugin is on for; `scope` is that place."""
    return [WechatChannel(scope)]


@hookimpl
def admin_nav(merchant, scope):
    return [Link(url_for("wechat_notify.messages"), _l("WeChat messages"))]
