"""orderdesk's shop client: the domain model, the shop protocol and the WooCommerce adapter.

No UI code lives here (and Textual is never imported; a test checks it).
"""

from client.auth import AuthMode, OAuth1Auth, QueryKeyAuth, choose_auth_mode
from client.errors import (
    AuthFailed,
    Conflict,
    Forbidden,
    Invalid,
    ModelError,
    NotFound,
    ShopError,
    Unavailable,
    Unsupported,
)
from client.feed import FeedMode, FeedState, LiveFeed
from client.model import (
    Address,
    Coupon,
    CouponLine,
    Customer,
    FeeLine,
    LineItem,
    MetaData,
    Note,
    Order,
    Product,
    Refund,
    RefundLine,
    RefundSummary,
    ShippingLine,
)
from client.protocol import (
    LIST_FIELDS,
    BatchResult,
    FeedEvent,
    OrderPage,
    OrderQuery,
    RefundLineRequest,
    RefundRequest,
    ShopCapabilities,
    ShopClient,
    ShopStatus,
)
from client.retry import RetryPolicy
from client.urls import sanitize_url
from client.woocommerce import WooCommerceClient

__all__ = [
    "LIST_FIELDS",
    "Address",
    "AuthFailed",
    "AuthMode",
    "BatchResult",
    "Conflict",
    "Coupon",
    "CouponLine",
    "Customer",
    "FeeLine",
    "FeedEvent",
    "FeedMode",
    "FeedState",
    "Forbidden",
    "Invalid",
    "LineItem",
    "LiveFeed",
    "MetaData",
    "ModelError",
    "NotFound",
    "Note",
    "OAuth1Auth",
    "Order",
    "OrderPage",
    "OrderQuery",
    "Product",
    "QueryKeyAuth",
    "Refund",
    "RefundLine",
    "RefundLineRequest",
    "RefundRequest",
    "RefundSummary",
    "RetryPolicy",
    "ShippingLine",
    "ShopCapabilities",
    "ShopClient",
    "ShopError",
    "ShopStatus",
    "Unavailable",
    "Unsupported",
    "WooCommerceClient",
    "choose_auth_mode",
    "sanitize_url",
]
