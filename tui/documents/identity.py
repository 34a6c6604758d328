"""`ShopIdentity` lives in `tui.shop_identity` so that config can use it without importing
fpdf (0.4 s of start-up); documents import it from here as before."""

from tui.shop_identity import ShopIdentity

__all__ = ["ShopIdentity"]
