"""Widgets shared by the console's screens."""

from tui.widgets.order_table import OrderTable

__all__ = ["OrderTable"]
