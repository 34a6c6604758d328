"""The refund screen (key r): full, partial, per line or by amount — and never applied twice.

Everything the shop is told goes through three module functions the returns screen shares:
`send_refund` (one attempt, with its idempotency key), `check_refund` (did an attempt whose
answer was lost land?) and `save_credit_note`. Their outcome is never "failed" when the
refund landed: a lost answer is "uncertain" until the shop's refunds say which it is, and
the form stays locked on that attempt (same request, same key) until then.

Money is `Decimal` throughout; the arithmetic and the checks live in `tui.refund_plan`.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Literal

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Checkbox, Input, RadioButton, RadioSet, Static

from client.errors import AuthFailed, Conflict, Forbidden, Invalid, NotFound, ShopError
from client.model import Order, Refund
from client.protocol import RefundRequest, ShopCapabilities, ShopClient
from tui.credit_notes import CreditNote, issue_credit_note
from tui.error_text import error_text
from tui.i18n import N_, _, pgettext
from tui.refund_plan import (
    OrderState,
    PlannedLine,
    RefundForm,
    RefundPlan,
    WireRefund,
    describe_lines,
    full_refund_form,
    plan_refund,
    to_request,
)
from tui.render import local_time
from tui.widgets.key_bar import KeyBar

Verdict = Literal["landed", "refused", "uncertain", "not_landed"]

#: Errors after which the shop certainly wrote nothing.
REFUSALS = (Invalid, AuthFailed, Forbidden, NotFound, Conflict)

FORM_WIDGETS = "#refund-body Input, #refund-body RadioSet, #refund-body Checkbox"

#: Lines listed one by one in the confirmation dialog; more are counted.
MAX_DIALOG_LINES = 6


def new_key() -> str:
    return uuid.uuid4().hex


@dataclass(frozen=True, slots=True)
class RefundOutcome:
    """What became of one refund attempt, as the screen tells it."""

    verdict: Verdict
    refund: Refund | None = None
    message: str = ""


async def send_refund(
    shop: ShopClient, order_id: int, request: RefundRequest, key: str
) -> RefundOutcome:
    """One attempt (the client checks and retries once after a lost answer).

    A refusal is double-checked against the order's refunds before it is believed: if the
    key is found there, an earlier try of this attempt landed and that is the truth.
    """
    try:
        refund = await shop.create_refund(order_id, request, idempotency_key=key)
    except REFUSALS as error:
        try:
            found = await shop.find_refund(order_id, key)
        except ShopError:
            found = None
        if found is not None:
            return RefundOutcome("landed", found)
        return RefundOutcome(
            "refused",
            message=_("The shop refused the refund: {error}").format(error=error_text(error)),
        )
    except ShopError as error:
        text = error_text(error).rstrip(".") + "."
        if "not known" not in str(error) and "may or may not" not in str(error):
            text += " " + _("It is not known yet whether the refund was recorded.")
        return RefundOutcome(
            "uncertain", message=text + " " + _("Nothing is sent again before the shop says.")
        )
    return RefundOutcome("landed", refund)


async def check_refund(shop: ShopClient, order_id: int, key: str) -> RefundOutcome:
    """Settle an uncertain attempt by looking for its key among the order's refunds."""
    try:
        found = await shop.find_refund(order_id, key)
    except ShopError as error:
        return RefundOutcome(
            "uncertain",
            message=_("Still unknown: {error} Check again when the shop answers.").format(
                error=error_text(error)
            ),
        )
    if found is not None:
        return RefundOutcome("landed", found)
    return RefundOutcome(
        "not_landed",
        message=_("The shop has no trace of that refund: nothing was refunded."),
    )


async def save_credit_note(
    app: object, order_id: int, refund: Refund
) -> tuple[str, CreditNote | None]:
    """Make the refund's credit note; (sentence for the screen, the note or None)."""
    shop: ShopClient = app.shop  # type: ignore[attr-defined]
    config = app.config  # type: ignore[attr-defined]
    try:
        order = await shop.get_order(order_id)
        note = await asyncio.to_thread(
            issue_credit_note,
            order,
            refund,
            identity=config.shop_identity,
            shop_label=app.shop_label,  # type: ignore[attr-defined]
            lang=app.customer_lang,  # type: ignore[attr-defined]
        )
    except Exception as error:  # the refund stands whatever happens to its paperwork
        return _("Credit note not saved: {error}").format(error=error_text(error)), None
    saved = _("Credit note {number} saved to {path}").format(number=note.number, path=note.path)
    return saved, note


@dataclass(frozen=True, slots=True)
class RefundContext:
    state: OrderState
    refunds: list[Refund]
    capabilities: ShopCapabilities
    #: The order's page in the shop's back office, when refunds must be made there.
    admin_url: str = ""


async def load_context(shop: ShopClient, order_id: int) -> RefundContext:
    order, refunds, capabilities = await asyncio.gather(
        shop.get_order(order_id), shop.list_refunds(order_id), shop.capabilities()
    )
    admin_url = "" if capabilities.api_refunds else await shop.order_admin_url(order_id)
    return RefundContext(OrderState.build(order, refunds), refunds, capabilities, admin_url)


def back_office_text(context: RefundContext) -> str:
    """Why this shop's refunds are made in its back office, where, and the credit slips
    made there so far (a shop whose API cannot refund: `api_refunds` is False)."""
    order = context.state.order
    rows = [
        _(
            "Refunds of this order are made in the shop's back office: its API cannot make "
            "a real refund (a credit slip created through it changes neither stock nor "
            "refunded quantities, and pays nothing back), so the console never creates one."
        ),
        "",
    ]
    if context.admin_url:
        rows.append(_("Back office: {url}").format(url=context.admin_url))
    else:
        rows.append(
            _("In the back office: Orders › Orders, order {number} (id {id}).").format(
                number=order.number, id=order.id
            )
        )
    rows.append(_("There: “Partial refund” (or “Standard refund”), which restocks and e-mails."))
    rows.append("")
    if not context.refunds:
        rows.append(_("No credit slips yet."))
    else:
        rows.append(_("Credit slips of this order:"))
        for refund in context.refunds:
            lines = ", ".join(
                f"{line.quantity} × {item.name if item else '#' + str(line.refunded_item_id)}"
                for line in refund.line_items
                for item in [order.line(line.refunded_item_id)]
            )
            rows.append(
                f"  #{refund.id}  {local_time(refund.date_created)}  "
                f"{context.state.money(refund.amount)}" + (f"  {lines}" if lines else "")
            )
    return "\n".join(rows)


def method_text(order: Order) -> str:
    return order.payment_method_title or order.payment_method or _("no payment method")


def restock_notice(wire: WireRefund, plan: RefundPlan, state: OrderState) -> str:
    """What happens to stock, in one sentence (shown live and in the confirmation)."""
    with_quantity = [line for line in plan.lines if line.quantity]
    if not with_quantity:
        return ""
    back = [line for line in with_quantity if line.line_id in wire.restocked]
    kept = [line for line in with_quantity if line.line_id not in wire.restocked]

    def items(lines: list[PlannedLine]) -> str:
        return ", ".join(f"{x.quantity} × {x.name}" for x in lines)

    parts = []
    if back:
        parts.append(_("Back to stock: {items}.").format(items=items(back)))
    if kept:
        parts.append(_("Not restocked: {items}.").format(items=items(kept)))
    if wire.by_amount:
        parts.append(
            _("This shop restocks every refunded quantity, so those lines are sent by amount "
            "(no quantity); the quantities are recorded with the refund.")
        )
    return " ".join(parts)


def summary_text(plan: RefundPlan, wire: WireRefund, state: OrderState) -> str:
    """The confirmation dialog: lines, amount, restock and method, before anything is sent."""
    order = state.order
    rows = [
        _("Refund {amount} on order #{number} ({customer})").format(
            amount=state.money(plan.total), number=order.number, customer=order.customer_name
        )
    ]
    if plan.free_amount_mode:
        rows.append(_("  By amount only (no lines)"))
    described = describe_lines(plan.lines, state)
    rows += [f"  {text}" for text in described[:MAX_DIALOG_LINES]]
    if len(described) > MAX_DIALOG_LINES:  # the dialog must fit an 80x24 terminal
        rows.append(_("  … and {value} more lines").format(value=len(described) - MAX_DIALOG_LINES))
    if plan.shipping:
        rows.append(_("  Shipping {money}").format(money=state.money(plan.shipping_total)))
    if plan.other and not plan.free_amount_mode:
        rows.append(_("  Other amount {money}").format(money=state.money(plan.other)))
    notice = restock_notice(wire, plan, state)
    rows.append(notice or _("Nothing goes back to stock."))
    if plan.gateway:
        rows.append(_(
            "Method: through {method_text} (the gateway pays the customer back)."
        ).format(method_text=method_text(order)))
    else:
        rows.append(_("Method: manual — the money is returned outside the shop."))
    if plan.reason:
        rows.append(_("Reason: {reason}").format(reason=plan.reason))
    rows.append(_("Net after refund: {money}").format(money=state.money(plan.net_after)))
    return "\n".join(rows)


@dataclass(slots=True)
class Attempt:
    """A refund sent once: retried and checked with the same key, never re-planned."""

    key: str
    wire: WireRefund
    plan: RefundPlan
    verdict: Verdict | None = None


class OrderMoneyScreen(Screen[None]):
    """What the refund and returns screens share: the order loaded with its refunds and
    the shop's capabilities, reloaded when the live feed says it changed (unless money is
    on its way), the header, and the message areas.

    Subclasses compose `#money-title`, `#refund-info`, `#refund-problems` and
    `#refund-result`, and implement `context_loaded`.
    """

    #: "Refund" or "Return": the first word of the header.
    NOUN = N_("Refund")

    class Loaded(Message):
        def __init__(self, context: RefundContext) -> None:
            super().__init__()
            self.context = context

    def refused_offline(self) -> bool:
        """Money never waits in the offline journal: say so, and send nothing."""
        state = self.app.connection_of(self.order_id)  # type: ignore[attr-defined]
        if state in ("offline", "reconnecting"):
            from tui.journal import RefundNotQueued

            self.notify(str(RefundNotQueued()), title=_("Offline"), severity="error", timeout=8)
            self.app.bell()
            return True
        return False

    def __init__(self, order_id: int) -> None:
        super().__init__()
        self.order_id = order_id
        self.context: RefundContext | None = None
        #: A write is on its way to the shop (the form is frozen, reloads wait).
        self.busy = False
        #: Staff pressed ctrl+s at least once (from then on a zero total is pointed out).
        self.tried = False
        self._filling = False

    def on_mount(self) -> None:
        self.app.orders_changed.subscribe(self, self._orders_changed)  # type: ignore[attr-defined]
        self.load()

    def _orders_changed(self, order_ids: set[int]) -> None:
        if self.order_id in order_ids and not self.busy:
            self.load()

    @work(exclusive=True, group="money-load", exit_on_error=False)
    async def load(self) -> None:
        try:
            context = await load_context(self.app.shop, self.order_id)  # type: ignore[attr-defined]
        except ShopError as error:
            self.query_one("#refund-info", Static).update(_(
                "Could not load the order: {error}"
            ).format(error=error_text(error)))
            self.notify(error_text(error), title=_(
                "Order #{order_id}"
            ).format(order_id=self.order_id), severity="error")
            return
        self.post_message(self.Loaded(context))

    async def on_order_money_screen_loaded(self, message: Loaded) -> None:
        old = self.context
        self.context = context = message.context
        state = context.state
        order = state.order
        self.query_one("#money-title", Static).update(
            f"{_(self.NOUN)} · #{order.number} · {order.customer_name} · "
            f"{state.money(order.total)} · {method_text(order)}"
        )
        paid = (
            _("not paid")
            if order.date_paid is None
            else _("paid {when}").format(when=local_time(order.date_paid))
        )
        self.query_one("#refund-info", Static).update(
            _(
                "{status_label} · {paid} · refunded so far {money}"
            ).format(
                status_label=self.app.status_label(order.status),
                paid=paid,
                money=state.money(state.refunded),
            )
            + (_(
                " · vouchers {money}"
            ).format(money=state.money(state.vouchers)) if state.vouchers else "")
        )
        self.query_one("#method-gateway", RadioButton).label = _("through {method}").format(
            method=method_text(order)
        )
        old_ids = [line.id for line in old.state.lines] if old else None
        await self.context_loaded(
            first=old is None, new_lines=old_ids != [x.id for x in state.lines]
        )

    async def context_loaded(self, *, first: bool, new_lines: bool) -> None:
        raise NotImplementedError

    def say(self, text: str, kind: str = "") -> None:
        """The outcome area: "-ok", "-error", "-uncertain" or "" (in progress)."""
        result = self.query_one("#refund-result", Static)
        result.set_classes(kind)
        result.update(text)

    def problem_rows(self, errors: dict[str, str], names: dict[str, str]) -> str:
        rows = []
        for key, text in errors.items():
            if key == "empty" and not self.tried:
                continue  # a blank form is not a mistake until staff try to send it
            where = names.get(key)
            rows.append(
                "✖ " + _("{where}: {problem}").format(where=where, problem=text)
                if where
                else f"✖ {text}"
            )
        return "\n".join(rows)

    @property
    def result_text(self) -> str:
        return str(self.query_one("#refund-result", Static).render())

    @property
    def problems_text(self) -> str:
        return str(self.query_one("#refund-problems", Static).render())


class RefundScreen(OrderMoneyScreen):
    """Refund one order. Quantities, amounts, shipping and the reason are typed in; the
    totals follow live; ctrl+s shows the confirmation and sends."""

    CSS_PATH = "refund.tcss"
    AUTO_FOCUS = ""
    BINDINGS = [
        Binding("ctrl+s", "send", "Refund…", id="refund.send"),
        Binding("ctrl+f", "full", "Full refund", id="refund.full"),
        Binding("ctrl+t", "free_amount", "Amount only", id="refund.free_amount"),
        Binding("escape", "back", "Back", id="refund.back"),
    ]

    def __init__(self, order_id: int) -> None:
        super().__init__(order_id)
        self.plan: RefundPlan | None = None
        self.attempt: Attempt | None = None
        self.outcome: RefundOutcome | None = None
        self.credit_note: CreditNote | None = None
        self.free_mode = False

    # ---- layout ------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static(_(
            "Refund · order #{order_id}"
        ).format(order_id=self.order_id), id="money-title", classes="screen-title")
        with VerticalScroll(id="refund-body"):
            yield Static(_("Loading…"), id="refund-info")
            with Vertical(id="refund-lines"):
                yield Horizontal(
                    Static(_("Item"), classes="col-name"),
                    Static(_("Bought"), classes="col-num"),
                    Static(pgettext("amount", "Refunded"), classes="col-num"),
                    Static(_("Qty"), classes="col-qty"),
                    Static(_("Amount"), classes="col-amount"),
                    classes="line-row line-head",
                )
            with Horizontal(id="shipping-row", classes="form-row"):
                yield Static("", id="shipping-label", classes="form-label")
                with RadioSet(id="shipping-mode", compact=True):
                    yield RadioButton(_("none"), id="ship-none", value=True, compact=True)
                    yield RadioButton(_("all"), id="ship-full", compact=True)
                    yield RadioButton(_("part:"), id="ship-part", compact=True)
                yield Input(id="shipping-amount", placeholder=_("amount"), compact=True)
            with Horizontal(id="other-row", classes="form-row"):
                yield Static(_("Other amount (fees…)"), classes="form-label")
                yield Input(id="other", placeholder="0", compact=True)
            with Horizontal(id="free-row", classes="form-row"):
                yield Static(_("Amount to refund"), classes="form-label")
                yield Input(id="free", placeholder=_("amount, no lines"), compact=True)
            with Horizontal(id="options-row", classes="form-row"):
                yield Checkbox(_("Restock returned goods"), value=True, id="restock", compact=True)
            with Horizontal(id="method-row", classes="form-row"):
                yield Static(_("Money back:"), classes="form-label")
                with RadioSet(id="method", compact=True):
                    yield RadioButton(
                        _("manual, outside the shop"), id="method-manual", value=True, compact=True
                    )
                    yield RadioButton(_("through the gateway"), id="method-gateway", compact=True)
            yield Input(
                id="reason", placeholder=_("Reason (optional, kept on the refund)"), compact=True
            )
            yield Static("", id="refund-notice")
            yield Static("", id="refund-problems")
            yield Static("", id="refund-totals")
            yield Static("", id="refund-result")
            yield Static("", id="refund-backoffice")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#free-row").display = False
        self.query_one("#refund-backoffice").display = False
        super().on_mount()

    @property
    def back_office_only(self) -> bool:
        """This shop's refunds are made in its back office: the form is not shown."""
        return self.context is not None and not self.context.capabilities.api_refunds

    def _show_back_office(self) -> None:
        assert self.context is not None
        for child in self.query_one("#refund-body").children:
            child.display = child.id in ("refund-info", "refund-backoffice")
        self.query_one("#refund-backoffice", Static).update(back_office_text(self.context))
        self.query_one("#refund-body").focus()

    def _refuse_back_office(self) -> bool:
        if not self.back_office_only:
            return False
        self.notify(
            _("Make this refund in the shop's back office (see the screen)."),
            title=_("Not from here"),
            severity="warning",
        )
        return True

    async def context_loaded(self, *, first: bool, new_lines: bool) -> None:
        assert self.context is not None
        if self.back_office_only:
            self._show_back_office()
            return
        state = self.context.state
        if new_lines:
            await self._build_lines()
        for line in state.lines:
            self.query_one(f"#refunded-{line.id}", Static).update(
                str(line.refunded_quantity or "—")
            )
        self._set_locked(self.busy or self._unsettled)
        self._update_static_labels()
        if first:
            focus = next(
                (
                    self.query_one(f"#qty-{line.id}", Input)
                    for line in state.lines
                    if line.remaining_quantity or line.remaining
                ),
                self.query_one("#reason", Input),
            )
            focus.focus()
        self.refresh_plan()

    async def _build_lines(self) -> None:
        assert self.context is not None
        state = self.context.state
        container = self.query_one("#refund-lines", Vertical)
        await container.query(".line-item").remove()
        rows = []
        for line in state.lines:
            done = not line.remaining_quantity and not line.remaining
            name = line.item.name + (f" ({line.item.sku})" if line.item.sku else "")
            qty = Input(
                id=f"qty-{line.id}",
                placeholder="0",
                compact=True,
                classes="col-qty",
                disabled=done,
            )
            amount = Input(
                id=f"amount-{line.id}", compact=True, classes="col-amount", disabled=done
            )
            rows.append(
                Horizontal(
                    Static(name, classes="col-name"),
                    Static(str(line.bought), classes="col-num"),
                    Static("", id=f"refunded-{line.id}", classes="col-num"),
                    qty,
                    amount,
                    classes="line-row line-item",
                )
            )
        if not rows:
            rows.append(Static(_("This order has no product lines."), classes="line-item"))
        await container.mount_all(rows)

    def _update_static_labels(self) -> None:
        assert self.context is not None
        state = self.context.state
        if state.shipping_paid > 0:
            titles = ", ".join(s.line.method_title or _("Shipping") for s in state.shipping)
            self.query_one("#shipping-label", Static).update(
                _(
                    "Shipping ({titles}) {money} paid, {money2} left"
                ).format(
                    titles=titles,
                    money=state.money(state.shipping_paid),
                    money2=state.money(state.shipping_remaining),
                )
            )
        else:
            self.query_one("#shipping-row").display = False

    @property
    def _unsettled(self) -> bool:
        return self.attempt is not None and self.attempt.verdict == "uncertain"

    # ---- the form ----------------------------------------------------------------

    def form(self) -> RefundForm:
        assert self.context is not None
        state = self.context.state
        values = {w.id: w.value for w in self.query(Input) if w.id}
        shipping = self.query_one("#shipping-mode", RadioSet).pressed_button
        mode = {"ship-full": "full", "ship-part": "part"}.get(
            shipping.id if shipping else "", "none"
        )
        method = self.query_one("#method", RadioSet).pressed_button
        return RefundForm(
            quantities={line.id: values.get(f"qty-{line.id}", "") for line in state.lines},
            amounts={line.id: values.get(f"amount-{line.id}", "") for line in state.lines},
            shipping=mode,  # type: ignore[arg-type]
            shipping_amount=values.get("shipping-amount", ""),
            other=values.get("other", ""),
            free_amount_mode=self.free_mode,
            free_amount=values.get("free", ""),
            restock=self.query_one("#restock", Checkbox).value,
            gateway=bool(method and method.id == "method-gateway"),
            reason=values.get("reason", ""),
        )

    @on(Input.Changed)
    @on(RadioSet.Changed)
    @on(Checkbox.Changed)
    def _changed(self) -> None:
        if not self._filling:
            self.refresh_plan()

    def refresh_plan(self) -> None:
        """Recompute amounts, totals and problems from what is typed (live)."""
        if self.context is None:
            return
        state, caps = self.context.state, self.context.capabilities
        plan = plan_refund(state, self.form(), can_write=caps.can_write)
        self.plan = plan
        for line in state.lines:
            try:
                amount_input = self.query_one(f"#amount-{line.id}", Input)
            except Exception:
                continue
            planned = next((p for p in plan.lines if p.line_id == line.id), None)
            amount_input.placeholder = state.money(planned.amount) if planned else _("auto")
        for widget in self.query(Input):
            widget.set_class(bool(widget.id and widget.id in plan.errors), "-invalid")
        self.query_one("#shipping-amount", Input).display = self._shipping_mode() == "part"
        self.query_one("#refund-problems", Static).update(self._problems_text(plan))
        self.query_one("#refund-totals", Static).update(
            _(
                "Refundable {money} · This refund {money2} · Net after refund {money3}"
            ).format(
                money=state.money(plan.remaining),
                money2=state.money(plan.total),
                money3=state.money(plan.net_after),
            )
        )
        notice = ""
        if plan.ok and plan.total > 0:
            wire = to_request(plan, restock_choice=caps.restock_choice)
            notice = restock_notice(wire, plan, state)
        elif self.free_mode:
            notice = _("By amount only: no lines, nothing goes back to stock.")
        if state.order.date_paid is None and not state.nothing_paid:
            notice = f"{_('No payment is recorded on this order.')} {notice}".strip()
        self.query_one("#refund-notice", Static).update(notice)

    def _shipping_mode(self) -> str:
        pressed = self.query_one("#shipping-mode", RadioSet).pressed_button
        return {"ship-full": "full", "ship-part": "part"}.get(pressed.id if pressed else "", "none")

    def _problems_text(self, plan: RefundPlan) -> str:
        assert self.context is not None
        state = self.context.state
        names = {f"qty-{line.id}": line.item.name for line in state.lines}
        names.update({f"amount-{line.id}": line.item.name for line in state.lines})
        names.update({"shipping": _("Shipping"), "other": _("Other amount"), "free": _("Amount")})
        return self.problem_rows(plan.errors, names)

    def _set_locked(self, locked: bool) -> None:
        """While an attempt is unsettled the form is frozen: it is that request, or none."""
        assert self.context is not None
        for widget in self.query(
            "#refund-body Input, #refund-body RadioSet, #refund-body Checkbox"
        ):
            if widget.id and widget.id.startswith(("qty-", "amount-")):
                line = self.context.state.line(int(widget.id.split("-")[1]))
                done = line is not None and not line.remaining_quantity and not line.remaining
                widget.disabled = locked or done
            else:
                widget.disabled = locked

    def _fill(self, form: RefundForm) -> None:
        self._filling = True
        try:
            for line_id, text in form.quantities.items():
                self.query_one(f"#qty-{line_id}", Input).value = text
            for line in self.context.state.lines if self.context else ():
                self.query_one(f"#amount-{line.id}", Input).value = form.amounts.get(line.id, "")
            button = {"full": "#ship-full", "part": "#ship-part"}.get(form.shipping, "#ship-none")
            self.query_one(button, RadioButton).value = True
            self.query_one("#shipping-amount", Input).value = form.shipping_amount
            self.query_one("#other", Input).value = form.other
            self.query_one("#free", Input).value = form.free_amount
            self._set_free_mode(form.free_amount_mode)
        finally:
            self._filling = False
        self.refresh_plan()

    def _set_free_mode(self, on: bool) -> None:
        self.free_mode = on
        for selector in ("#refund-lines", "#shipping-row", "#other-row"):
            self.query_one(selector).display = not on
        if not on and self.context is not None and self.context.state.shipping_paid <= 0:
            self.query_one("#shipping-row").display = False
        self.query_one("#free-row").display = on
        self.query_one("#restock", Checkbox).display = not on

    # ---- actions -----------------------------------------------------------------

    def action_full(self) -> None:
        if self.context is None or self.busy or self._unsettled or self._refuse_back_office():
            return
        form, sentence = full_refund_form(self.context.state, self.form())
        self._fill(form)
        self.notify(sentence, timeout=4)

    def action_free_amount(self) -> None:
        if self.context is None or self.busy or self._unsettled or self._refuse_back_office():
            return
        self._set_free_mode(not self.free_mode)
        if self.free_mode:
            self.query_one("#free", Input).focus()
        self.refresh_plan()

    @work(exclusive=True, group="refund-leave", exit_on_error=False)
    async def action_back(self) -> None:
        from screens.confirm import ConfirmScreen

        if self._unsettled:
            leave = await self.app.push_screen_wait(
                ConfirmScreen(
                    _("The last refund's outcome is not known yet. Leave anyway? Check the "
                    "order's refunds before refunding again."),
                    title=_("Refund outcome unknown"),
                    yes_label=_("Leave"),
                )
            )
            if not leave:
                return
        self.app.pop_screen()

    @work(exclusive=True, group="refund-send", exit_on_error=False)
    async def action_send(self) -> None:
        from screens.confirm import ConfirmScreen

        if self.context is None or self.busy or self._refuse_back_office():
            return
        shop = self.app.shop  # type: ignore[attr-defined]
        if self._unsettled:  # checking what became of a lost answer is always allowed
            await self._run(lambda key: check_refund(shop, self.order_id, key), checking=True)
            return
        if self.refused_offline():
            return
        self.tried = True
        self.refresh_plan()
        plan = self.plan
        if plan is None or not plan.ok:
            self.app.bell()
            self._focus_first_problem()
            return
        state = self.context.state
        wire = to_request(plan, restock_choice=self.context.capabilities.restock_choice)
        confirmed = await self.app.push_screen_wait(
            ConfirmScreen(
                summary_text(plan, wire, state), title=_("Confirm refund"), yes_label=_("Refund")
            )
        )
        if not confirmed:
            return
        previous = self.attempt
        # The same request after "not landed" keeps its key; anything else is a new attempt.
        key = previous.key if previous and previous.wire.request == wire.request else new_key()
        self.attempt = Attempt(key, wire, plan)
        request = wire.request
        await self._run(lambda k: send_refund(shop, self.order_id, request, k), checking=False)

    async def _run(
        self, call: Callable[[str], Awaitable[RefundOutcome]], *, checking: bool
    ) -> None:
        attempt = self.attempt
        assert attempt is not None
        self.busy = True
        self._set_locked(True)
        self.say(_("Checking with the shop…") if checking else _("Sending the refund…"))
        try:
            outcome: RefundOutcome = await call(attempt.key)
        finally:
            self.busy = False
        attempt.verdict = outcome.verdict
        self.outcome = outcome
        await self._show_outcome(outcome, attempt)

    async def _show_outcome(self, outcome: RefundOutcome, attempt: Attempt) -> None:
        assert self.context is not None
        state = self.context.state
        if outcome.verdict == "landed" and outcome.refund is not None:
            refund = outcome.refund
            how = (
                _("through {method}").format(method=method_text(state.order))
                if attempt.plan.gateway
                else _("manual")
            )
            lines = [
                _("✔ Refund #{id} of {amount} recorded ({how}).").format(
                    id=refund.id, amount=state.money(refund.amount), how=how
                )
            ]
            if attempt.wire.by_amount:
                lines.append(_("Sent by amount for the lines without restock."))
            self.say("\n".join(lines) + _("\nMaking the credit note…"), "-ok")
            self.attempt = None
            self._clear_form()
            sentence, note = await save_credit_note(self.app, self.order_id, refund)
            self.credit_note = note
            self.say("\n".join([*lines, sentence]), "-ok")
            self.notify(lines[0], title=pgettext("amount", "Refunded"))
            self.load()
            return
        if outcome.verdict == "uncertain":
            self.say(_(
                "? {message}\nPress ctrl+s to check with the shop."
            ).format(message=outcome.message), "-uncertain")
            return
        if outcome.verdict == "not_landed":
            self.say(
                _(
                    "✖ {message} Press ctrl+s to send the same refund again, or change it."
                ).format(message=outcome.message),
                "-error",
            )
        else:
            self.say(_("✖ {message} Nothing was refunded.").format(
                message=outcome.message,
            ), "-error")
            self.attempt = None
        self._set_locked(False)

    def _clear_form(self) -> None:
        self.tried = False
        self._filling = True
        try:
            for widget in self.query("#refund-body Input"):
                widget.value = ""  # type: ignore[attr-defined]
            self.query_one("#ship-none", RadioButton).value = True
        finally:
            self._filling = False
        self._set_locked(False)

    def _focus_first_problem(self) -> None:
        plan = self.plan
        if plan is None:
            return
        for key in plan.errors:
            try:
                widget = self.query_one(f"#{key}", Input)
            except Exception:
                continue
            if not widget.disabled:
                widget.focus()
                return


__all__ = [
    "Attempt",
    "OrderMoneyScreen",
    "RefundContext",
    "RefundOutcome",
    "RefundScreen",
    "check_refund",
    "load_context",
    "new_key",
    "save_credit_note",
    "send_refund",
    "summary_text",
]
