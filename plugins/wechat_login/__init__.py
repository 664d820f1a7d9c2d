"""WeChat login: a mini-program's `wx.login()` code becomes a shopper's token.

Implements the core's `login_code_exchange` hook for the provider "wechat": the code is
sent to WeChat's code-to-session endpoint with the shop's own AppID and AppSecret, and the
openid (and unionid, when the mini-program is bound to an Open Platform account) comes
back. WeChat's address is the platform's to set (`STOREFRONT_WECHAT_API_BASE`), never a
shop's: whoever answers there decides who signs in.
"""

from __future__ import annotations

import logging

from flask import current_app

from storefront import ExternalIdentity, PluginInfo, hookimpl
from storefront import lazy_gettext as _l

from .code2session import code_to_session
from .forms import WechatLoginSettings

PROVIDER = "wechat"
API_BASE = "https://api.weixin.qq.com"

log = logging.getLogger("storefront.plugins.wechat_login")

info = PluginInfo(
    name="wechat_login",
    title=_l("WeChat mini-program login"),
    description=_l("Shoppers sign in to the shop's mini-program with their WeChat account."),
    version="1.0.0",
    default_enabled=False,
    settings_form=WechatLoginSettings,
    default_settings={"app_id": "", "app_secret": "", "timeout": 5},
    shop_wide_settings=("app_id", "app_secret", "timeout"),
    secret_settings=("app_secret",),
)


def api_base() -> str:
    """WeChat's API address: the platform's setting, for a proxy or a test server."""
    return current_app.config.get("STOREFRONT_WECHAT_API_BASE") or API_BASE


@hookimpl
def login_code_exchange(merchant, provider, code, scope):
    """Reached only where the plugin is on for the shop as a whole."""
    if provider != PROVIDER:
        return None
    settings = scope.settings("wechat_login")
    if not settings.get("app_id") or not settings.get("app_secret"):
        log.warning("WeChat login is on in shop %s without an AppID and AppSecret", merchant.slug)
        return None
    session = code_to_session(
        api_base(), settings["app_id"], settings["app_secret"], code, settings["timeout"]
    )
    return ExternalIdentity(
        provider=PROVIDER,
        subject=session.openid,
        issuer=settings["app_id"],
        union_id=session.unionid,
    )
