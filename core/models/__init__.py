"""All core models; importing this module registers every core table."""

from .api import API_KEY_SCOPES, ApiKey, IdempotentAnswer, StoredCartItem
from .base import JSONType, UTCDateTime, utcnow
from .catalog import CATEGORY_KINDS, Category, Product, Variant
from .merchant import DEFAULT_BUSINESS_HOURS, ROLES, Membership, Merchant
from .messaging import EventDelivery, Notification, OutboxEvent
from .order import ORDER_STATUSES, ORDER_TRANSITIONS, Order, OrderItem, OrderStatusChange
from .plugin_setting import AuditLog, PlatformPlugin, PluginSetting
from .upload import Upload
from .user import Address, ExternalAccount, SignupRequest, User, UserSession

__all__ = [
    "API_KEY_SCOPES",
    "ApiKey",
    "IdempotentAnswer",
    "StoredCartItem",
    "Address",
    "AuditLog",
    "CATEGORY_KINDS",
    "Category",
    "DEFAULT_BUSINESS_HOURS",
    "EventDelivery",
    "ExternalAccount",
    "JSONType",
    "Membership",
    "Merchant",
    "Notification",
    "ORDER_STATUSES",
    "ORDER_TRANSITIONS",
    "Order",
    "OrderItem",
    "OrderStatusChange",
    "OutboxEvent",
    "PlatformPlugin",
    "PluginSetting",
    "Product",
    "ROLES",
    "SignupRequest",
    "UTCDateTime",
    "Upload",
    "User",
    "UserSession",
    "Variant",
    "utcnow",
]
