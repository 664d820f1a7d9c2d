"""Storefront: a plugin-based Flask framework for small shops and their customer service.

This module is the public API. Plugins import from here and nowhere else in the core.
"""

from flask_babel import gettext, lazy_gettext, ngettext

from .app import create_app
from .cart import CartRow
from .dispatch import HookResult, call_hook
from .events import emit
from .extensions import csrf, db, limiter
from .formatting import markdown, money
from .fragments import cached as cached_fragment
from .hookspecs import scoped_by
from .inputs import WithinStoredTimes, page_number, parse_id, utc_time, whole_number
from .models import (
    CATEGORY_KINDS,
    Category,
    JSONType,
    Membership,
    Merchant,
    Notification,
    Order,
    OrderItem,
    Product,
    Upload,
    User,
    UTCDateTime,
    Variant,
    utcnow,
)
from .notifications import NotificationChannel, notify, notify_staff
from .orders import OrderError, change_status, status_label
from .plugin_info import (
    ExternalIdentity,
    Link,
    LoginCodeRejected,
    LoginProviderUnavailable,
    PaymentError,
    PaymentMethod,
    PluginInfo,
)
from .plugin_manager import hookimpl
from .redirects import redirect_next, safe_target
from .rendering import render_template
from .rows import insert_once
from .scopes import Scope, lines_where, scope_of
from .tenancy import (
    acts_on,
    category_by_slug,
    owner_required,
    reads,
    record_view,
    staff_role,
    tenant_get,
    tenant_select,
)
from .uploads import UploadError, save_bytes, save_uploads
from .validators import PhoneNumber, normalise_phone

__all__ = [
    "CATEGORY_KINDS",
    "CartRow",
    "Category",
    "ExternalIdentity",
    "HookResult",
    "JSONType",
    "Link",
    "LoginCodeRejected",
    "LoginProviderUnavailable",
    "Membership",
    "Merchant",
    "Notification",
    "NotificationChannel",
    "Order",
    "OrderError",
    "OrderItem",
    "PaymentError",
    "PaymentMethod",
    "PhoneNumber",
    "PluginInfo",
    "Product",
    "Scope",
    "Upload",
    "UploadError",
    "User",
    "UTCDateTime",
    "Variant",
    "WithinStoredTimes",
    "acts_on",
    "call_hook",
    "category_by_slug",
    "change_status",
    "create_app",
    "csrf",
    "db",
    "emit",
    "gettext",
    "hookimpl",
    "lazy_gettext",
    "limiter",
    "lines_where",
    "markdown",
    "money",
    "ngettext",
    "normalise_phone",
    "notify",
    "notify_staff",
    "page_number",
    "parse_id",
    "owner_required",
    "reads",
    "record_view",
    "render_template",
    "cached_fragment",
    "save_bytes",
    "save_uploads",
    "scope_of",
    "scoped_by",
    "staff_role",
    "status_label",
    "tenant_get",
    "tenant_select",
    "utc_time",
    "utcnow",
    "whole_number",
    "redirect_next",
    "insert_once",
    "safe_target",
]
