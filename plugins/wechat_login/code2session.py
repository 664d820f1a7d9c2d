"""WeChat's code-to-session call (`auth.code2Session`): a mini-program's login code for an openid.

    GET {api_base}/sns/jscode2session?appid=&secret=&js_code=&grant_type=authorization_code
    -> {"openid", "session_key", "unionid"?} or {"errcode", "errmsg"}

The app secret travels in the query string because that is WeChat's published contract,
so the address is never logged. WeChat also hands back a `session_key` (for decrypting
data the mini-program sends later); this module never reads it, so it is neither kept
nor logged.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from urllib.error import HTTPError, URLError
from urllib.parse import urlencode
from urllib.request import Request, urlopen

from storefront import LoginCodeRejected, LoginProviderUnavailable

log = logging.getLogger("storefront.plugins.wechat_login")

PATH = "/sns/jscode2session"
MAX_ANSWER = 64 * 1024  # a real answer is under 300 bytes
# The shopper's code is no good: invalid, already used, or the user is blocked as high-risk.
REJECTED_CODES = {40029, 40163, 40226}
# -1 (system busy), 45011 (rate limit) and errors of the shop's own settings (40013 bad
# AppID, 40125 bad AppSecret) all mean: no answer now, the shopper's code is not at fault.


@dataclass(frozen=True)
class WechatSession:
    openid: str
    unionid: str | None = None


def code_to_session(
    api_base: str, app_id: str, app_secret: str, code: str, timeout: float
) -> WechatSession:
    """Ask WeChat whose login code this is; raises the `storefront` login errors."""
    query = urlencode(
        {
            "appid": app_id,
            "secret": app_secret,
            "js_code": code,
            "grant_type": "authorization_code",
        }
    )
    request = Request(f"{api_base.rstrip('/')}{PATH}?{query}", headers={"Accept": "*/*"})
    try:
        with urlopen(request, timeout=timeout) as response:
            raw = response.read(MAX_ANSWER + 1)
    except HTTPError as error:
        log.warning("WeChat code2Session answered HTTP %s", error.code)
        raise LoginProviderUnavailable("wechat") from None
    except (URLError, OSError) as error:  # refused, unresolvable, timed out
        reason = getattr(error, "reason", error)
        log.warning("WeChat code2Session could not be reached: %s", type(reason).__name__)
        raise LoginProviderUnavailable("wechat") from None
    return parse(raw)


def parse(raw: bytes) -> WechatSession:
    """Read WeChat's answer (sent as text/plain JSON); only openid and unionid are taken."""
    try:
        body = json.loads(raw) if len(raw) <= MAX_ANSWER else None
    except ValueError:
        body = None
    if not isinstance(body, dict):
        log.warning("WeChat code2Session gave an answer that is not a JSON object")
        raise LoginProviderUnavailable("wechat")
    errcode = body.get("errcode") or 0
    if not isinstance(errcode, int):
        log.warning("WeChat code2Session gave an errcode that is not a number")
        raise LoginProviderUnavailable("wechat")
    if errcode in REJECTED_CODES:
        raise LoginCodeRejected("wechat")
    if errcode:
        log.warning("WeChat code2Session refused: errcode %s %s", errcode, body.get("errmsg"))
        raise LoginProviderUnavailable("wechat")
    openid, unionid = body.get("openid"), body.get("unionid")
    if not isinstance(openid, str) or not 0 < len(openid) <= 128:
        log.warning("WeChat code2Session gave no usable openid")
        raise LoginProviderUnavailable("wechat")
    if not isinstance(unionid, str) or not 0 < len(unionid) <= 128:
        unionid = None
    return WechatSession(openid=openid, unionid=unionid)
