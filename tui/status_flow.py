"""After a checked status change: orders someone else changed meanwhile, and the question.

Why apart from the app: the dialog and its follow-up (apply anyway against the version now
seen, or keep the shop's) are one rule shared by the queue and the detail screen, and the
app module is shared by several people.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tui.i18n import _, ngettext

if TYPE_CHECKING:
    from tui.app import OrderDeskApp
    from tui.conflicts import ConflictReport

#: Orders listed in the dialog; the rest are counted.
SHOWN_IN_DIALOG = 6


def conflict_details(app: OrderDeskApp, reports: list[ConflictReport]) -> str:
    """The dialog's report: each order, when it changed, and what changed (shown → now).
    It scrolls in the dialog; the question stays in sight below it (80x24)."""
    lines: list[str] = []
    for report in reports[:SHOWN_IN_DIALOG]:
        lines.append(
            _("{ref} changed in the shop {when}:").format(
                ref=app.order_ref(report.current), when=report.when
            )
        )
        lines.extend(f"   {line}" for line in report.lines()[:4])
    if len(reports) > SHOWN_IN_DIALOG:
        lines.append(_("… and {n} more orders").format(n=len(reports) - SHOWN_IN_DIALOG))
    return "\n".join(lines)


async def ask_about_conflicts(
    app: OrderDeskApp, reports: list[ConflictReport], status: str, notify: bool
) -> None:
    """Ask whether to overwrite; "Apply" writes against the versions now shown (checked
    again, so a third change in between is caught), anything else keeps the shop's."""
    from screens.confirm import ConfirmScreen

    apply_anyway = await app.push_screen_wait(
        ConfirmScreen(
            ngettext(
                "Set it to {label} anyway?", "Set them to {label} anyway?", len(reports)
            ).format(label=app.status_label(status)),
            details=conflict_details(app, reports),
            title=_("Changed by someone else"),
            yes_label=_("Apply"),
        )
    )
    if apply_anyway:
        app.apply_status([r.current for r in reports], status, notify=notify, check=True)
