"""The labels and formats documents print live in `tui.doc_labels`, so that messages can
format amounts as documents do without importing fpdf (0.35 s of start-up)."""

from tui.doc_labels import *  # noqa: F403
from tui.doc_labels import colon, day, labels, money, quantity, quantize  # noqa: F401
