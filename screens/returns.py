"""Receiving a return (key R): what came back, in what state, and what the customer gets.

Staff count the returned items per line and tick the damaged ones, give a reason, then
choose: a refund (through `screens.refund`'s send/check, restocking only the items in good
condition) or a voucher instead — a single-use WooCommerce coupon for the amount,
restricted to the customer's billing email, sent to the customer as an order note. Either
way a private note records what came back and in what condition.

Every step is a write that may lose its answer, so a return is a small job of steps, each
with its own idempotency key, done in order and resumed (never restarted) by ctrl+s after
a failure: the refund (or coupon) first, then the notes. A coupon can never be created
twice: its code is drawn once per job and WooCommerce refuses a second coupon with the
same code. The voucher is also recorded in the order's meta (`_orderdesk_vouchers`), so the
console counts it as money given back and never refunds those items again.
"""

from __future__ import annotations

import contextlib
import secrets
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Checkbox, Input, RadioButton, RadioSet, Static

from client.errors import Invalid, ShopError
from client.model import Coupon, Order, Refund
from client.protocol import ShopClient
from screens.refund import (
    OrderMoneyScreen,
    RefundOutcome,
    Verdict,
    check_refund,
    method_text,
    new_key,
    restock_notice,
    save_credit_note,
    send_refund,
)
from tui.credit_notes import CreditNote
from tui.error_text import error_text
from tui.i18n import N_, _, pgettext
from tui.refund_plan import (
    VOUCHERS_META,
    OrderState,
    RefundForm,
    RefundPlan,
    Voucher,
    WireRefund,
    parse_amount,
    plan_refund,
    recorded_vouchers,
    to_request,
)
from tui.widgets.key_bar import KeyBar

Outcome = Literal["refund", "voucher"]

#: Letters and digits that cannot be misread for one another (no 0/O, 1/I/L).
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"

FORM_WIDGETS = "#return-body Input, #return-body RadioSet, #return-body Checkbox"


def voucher_code() -> str:
    """A readable, unguessable code such as "RET-7K3Q-9M2D" (31^8 ≈ 8.5e11 codes)."""
    pick = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
    return f"RET-{pick[:4]}-{pick[4:]}"


def returned_text(plan: RefundPlan, state: OrderState) -> str:
    """ "1 × Blue Mug (good, restocked), 2 × Red Shirt (damaged)" for the notes."""
    parts = []
    for line in plan.lines:
        if not line.quantity:
            continue
        condition = "good" if line.restock else "damaged"
        parts.append(f"{line.quantity} × {line.name} ({condition})")
    return ", ".join(parts) or "nothing"


def customer_voucher_message(order: Order, code: str, amount: str, lang: str) -> str:
    if lang == "fr":
        return (
            f"Merci pour le retour de votre commande n° {order.number}. Voici un bon d'achat "
            f"de {amount} à utiliser sur votre prochaine commande : code {code} (à usage unique, "
            f"réservé à {order.billing.email})."
        )
    return (
        f"Thank you for returning items from order #{order.number}. Here is a voucher for "
        f"{amount} to use on your next order: code {code} (single use, for "
        f"{order.billing.email})."
    )


@dataclass(slots=True)
class ReturnJob:
    """One return being carried out; its keys and code never change once drawn."""

    outcome: Outcome
    plan: RefundPlan
    amount: Decimal
    wire: WireRefund | None = None
    refund_key: str = field(default_factory=new_key)
    code: str = field(default_factory=voucher_code)
    coupon_key: str = field(default_factory=new_key)
    customer_note_key: str = field(default_factory=new_key)
    private_note_key: str = field(default_factory=new_key)
    verdict: Verdict | None = None
    refund: Refund | None = None
    coupon: Coupon | None = None
    voucher_recorded: bool = False
    customer_noted: bool = False
    private_noted: bool = False
    credit_note: CreditNote | None = None

    @property
    def money_given(self) -> bool:
        return self.refund is not None or self.coupon is not None

    @property
    def finished(self) -> bool:
        if not self.money_given or not self.private_noted:
            return False
        return self.outcome == "refund" or (self.voucher_recorded and self.customer_noted)


class ReturnScreen(OrderMoneyScreen):
    """Receive a return for one order (see the module docstring)."""

    CSS_PATH = ["refund.tcss", "returns.tcss"]
    AUTO_FOCUS = ""
    NOUN = N_("Return")
    BINDINGS = [
        Binding("ctrl+s", "receive", "Receive return…", id="return.receive"),
        Binding("ctrl+f", "all_back", "All came back", id="return.all"),
        Binding("escape", "back", "Back", id="return.back"),
    ]

    def __init__(self, order_id: int) -> None:
        super().__init__(order_id)
        self.plan: RefundPlan | None = None
        self.errors: dict[str, str] = {}
        self.job: ReturnJob | None = None
        #: The last return carried out to the end (for the screen's own record and tests).
        self.last_job: ReturnJob | None = None

    # ---- layout ------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static(_(
            "Return · order #{order_id}"
        ).format(order_id=self.order_id), id="money-title", classes="screen-title")
        with VerticalScroll(id="return-body"):
            yield Static(_("Loading…"), id="refund-info")
            with Vertical(id="return-lines"):
                yield Horizontal(
                    Static(_("Item"), classes="col-name"),
                    Static(_("Bought"), classes="col-num"),
                    Static(pgettext("amount", "Refunded"), classes="col-num"),
                    Static(_("Qty back"), classes="col-qty"),
                    Static(_("Condition"), classes="col-condition"),
                    classes="line-row line-head",
                )
            yield Input(id="return-reason", placeholder=_("Reason for the return"), compact=True)
            with Horizontal(id="outcome-row", classes="form-row"):
                yield Static(_("Give back:"), classes="form-label")
                with RadioSet(id="return-outcome", compact=True):
                    yield RadioButton(_("a refund"), id="outcome-refund", value=True, compact=True)
                    yield RadioButton(_("a voucher"), id="outcome-voucher", compact=True)
            with Horizontal(id="method-row", classes="form-row"):
                yield Static(_("Money back:"), classes="form-label")
                with RadioSet(id="method", compact=True):
                    yield RadioButton(
                        _("manual, outside the shop"), id="method-manual", value=True, compact=True
                    )
                    yield RadioButton(_("through the gateway"), id="method-gateway", compact=True)
            with Horizontal(id="voucher-row", classes="form-row"):
                yield Static(_("Voucher amount"), classes="form-label")
                yield Input(id="voucher-amount", compact=True)
                yield Static("", id="voucher-email", classes="form-label")
            yield Static("", id="refund-notice")
            yield Static("", id="refund-problems")
            yield Static("", id="refund-totals")
            yield Static("", id="refund-result")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#voucher-row").display = False
        super().on_mount()

    async def context_loaded(self, *, first: bool, new_lines: bool) -> None:
        assert self.context is not None
        state = self.context.state
        email = state.order.billing.email
        self.query_one("#voucher-email", Static).update(
            _(
                "for {email}, single use"
            ).format(email=email) if email else _("no billing email on this order")
        )
        if new_lines:
            await self._build_lines()
        for line in state.lines:
            self.query_one(f"#back-{line.id}", Static).update(str(line.refunded_quantity or "—"))
        self._set_locked(self.busy or self._locked_by_job)
        if first:
            focus = next(
                (
                    self.query_one(f"#qty-{line.id}", Input)
                    for line in state.lines
                    if line.remaining_quantity
                ),
                self.query_one("#return-reason", Input),
            )
            focus.focus()
        self.refresh_plan()

    async def _build_lines(self) -> None:
        assert self.context is not None
        container = self.query_one("#return-lines", Vertical)
        await container.query(".line-item").remove()
        rows = []
        for line in self.context.state.lines:
            name = line.item.name + (f" ({line.item.sku})" if line.item.sku else "")
            rows.append(
                Horizontal(
                    Static(name, classes="col-name"),
                    Static(str(line.bought), classes="col-num"),
                    Static("", id=f"back-{line.id}", classes="col-num"),
                    Input(id=f"qty-{line.id}", placeholder="0", compact=True, classes="col-qty"),
                    Checkbox(_("damaged"), id=f"damaged-{line.id}", compact=True),
                    classes="line-row line-item",
                )
            )
        if not rows:
            rows.append(Static(_("This order has no product lines."), classes="line-item"))
        await container.mount_all(rows)

    # ---- the form ----------------------------------------------------------------

    def _outcome(self) -> Outcome:
        pressed = self.query_one("#return-outcome", RadioSet).pressed_button
        return "voucher" if pressed is not None and pressed.id == "outcome-voucher" else "refund"

    def form(self) -> RefundForm:
        assert self.context is not None
        lines = self.context.state.lines
        method = self.query_one("#method", RadioSet).pressed_button
        return RefundForm(
            quantities={line.id: self.query_one(f"#qty-{line.id}", Input).value for line in lines},
            restock=True,
            restock_lines={
                line.id: not self.query_one(f"#damaged-{line.id}", Checkbox).value for line in lines
            },
            gateway=method is not None and method.id == "method-gateway",
            reason=self.query_one("#return-reason", Input).value,
        )

    @on(Input.Changed)
    @on(RadioSet.Changed)
    @on(Checkbox.Changed)
    def _changed(self) -> None:
        if not self._filling:
            self.refresh_plan()

    def _voucher_amount(self, plan: RefundPlan, errors: dict[str, str]) -> Decimal:
        assert self.context is not None
        state = self.context.state
        text = self.query_one("#voucher-amount", Input).value
        amount, problem = parse_amount(text, state.places)
        if problem:
            errors["voucher-amount"] = problem
            return plan.total
        if amount is None:
            return plan.total
        if amount > state.remaining:
            errors["voucher-amount"] = _(
                "{amount} is more than what is left on this order ({left})."
            ).format(amount=state.money(amount), left=state.money(state.remaining))
        elif amount <= 0:
            errors["voucher-amount"] = _("A voucher must be worth more than zero.")
        return amount

    def refresh_plan(self) -> None:
        if self.context is None:
            return
        state, caps = self.context.state, self.context.capabilities
        plan = plan_refund(state, self.form(), can_write=caps.can_write)
        errors = dict(plan.errors)
        outcome = self._outcome()
        amount = plan.total
        returned = [line for line in plan.lines if line.quantity]
        if not returned and "order" not in errors:
            errors["empty"] = _("Nothing came back: enter the returned quantities.")
        if outcome == "voucher":
            amount = self._voucher_amount(plan, errors)
            if not state.order.billing.email:
                errors["voucher"] = _(
                    "This order has no billing email: a voucher can't be restricted to the "
                    "customer. Refund instead."
                )
        self.plan, self.errors = plan, errors
        self.query_one("#method-row").display = outcome == "refund"
        self.query_one("#voucher-row").display = outcome == "voucher"
        voucher_input = self.query_one("#voucher-amount", Input)
        voucher_input.placeholder = state.money(plan.total)
        for widget in self.query(Input):
            widget.set_class(bool(widget.id and widget.id in errors), "-invalid")
        names = {f"qty-{line.id}": line.item.name for line in state.lines}
        names.update({"voucher-amount": _("Voucher")})
        self.query_one("#refund-problems", Static).update(self.problem_rows(errors, names))
        value = _("Returned items {amount}").format(amount=state.money(plan.total))
        if outcome == "voucher":
            value += " · " + _("Voucher {amount} (no money back, stock not changed)").format(
                amount=state.money(amount)
            )
        else:
            value += " · " + _("Refund {amount} · Net after {net}").format(
                amount=state.money(plan.total), net=state.money(plan.net_after)
            )
        self.query_one("#refund-totals", Static).update(value)
        notice = ""
        if outcome == "refund" and not errors:
            wire = to_request(plan, restock_choice=caps.restock_choice)
            notice = restock_notice(wire, plan, state)
        self.query_one("#refund-notice", Static).update(notice)

    @property
    def _locked_by_job(self) -> bool:
        """Once money was given (or may have been), the form is that return's, until done."""
        job = self.job
        return job is not None and (job.money_given or job.verdict == "uncertain")

    def _set_locked(self, locked: bool) -> None:
        for widget in self.query(FORM_WIDGETS):
            if widget.id and widget.id.startswith(("qty-", "damaged-")) and self.context:
                line = self.context.state.line(int(widget.id.split("-")[1]))
                widget.disabled = locked or (line is not None and not line.remaining_quantity)
            else:
                widget.disabled = locked

    # ---- actions -----------------------------------------------------------------

    def action_all_back(self) -> None:
        if self.context is None or self.busy or self._locked_by_job:
            return
        self._filling = True
        try:
            for line in self.context.state.lines:
                self.query_one(f"#qty-{line.id}", Input).value = str(line.remaining_quantity)
        finally:
            self._filling = False
        self.refresh_plan()

    @work(exclusive=True, group="return-leave", exit_on_error=False)
    async def action_back(self) -> None:
        from screens.confirm import ConfirmScreen

        job = self.job
        if job is not None and (
            job.verdict == "uncertain" or (job.money_given and not job.finished)
        ):
            leave = await self.app.push_screen_wait(
                ConfirmScreen(
                    _("This return is not finished (see the message on screen). Leave anyway?"),
                    title=_("Return not finished"),
                    yes_label=_("Leave"),
                )
            )
            if not leave:
                return
        self.app.pop_screen()

    @work(exclusive=True, group="return-work", exit_on_error=False)
    async def action_receive(self) -> None:
        from screens.confirm import ConfirmScreen

        if self.context is None or self.busy:
            return
        job = self.job
        if (job is None or not (job.money_given or job.verdict == "uncertain")) and (
            self.refused_offline()  # a new return; finishing one under way is allowed
        ):
            return
        if job is None or not (job.money_given or job.verdict == "uncertain"):
            self.tried = True
            self.refresh_plan()
            if self.errors or self.plan is None:
                self.app.bell()
                return
            plan = self.plan
            outcome = self._outcome()
            amount = plan.total
            if outcome == "voucher":
                amount = self._voucher_amount(plan, {})
            wire = (
                to_request(plan, restock_choice=self.context.capabilities.restock_choice)
                if outcome == "refund"
                else None
            )
            if not await self.app.push_screen_wait(
                ConfirmScreen(
                    self._summary(plan, outcome, amount, wire),
                    title=_("Receive return"),
                    yes_label=_("Confirm"),
                )
            ):
                return
            same = (
                job is not None
                and job.outcome == outcome
                and job.wire is not None
                and wire is not None
                and job.wire.request == wire.request
            )
            if not same:
                job = ReturnJob(outcome, plan, amount, wire)
            self.job = job
        assert job is not None
        self.busy = True
        self._set_locked(True)
        try:
            await self._carry_out(job)
        finally:
            self.busy = False
            self._set_locked(self._locked_by_job)

    def _summary(
        self, plan: RefundPlan, outcome: Outcome, amount: Decimal, wire: WireRefund | None
    ) -> str:
        assert self.context is not None
        state = self.context.state
        order = state.order
        rows = [
            _("Return on order #{number} ({customer})").format(
                number=order.number, customer=order.customer_name
            )
        ]
        for line in plan.lines:
            if line.quantity:
                condition = _("good") if line.restock else _("damaged")
                rows.append(f"  {line.quantity} × {line.name} — {condition}")
        if outcome == "voucher":
            rows.append(
                _(
                    "Voucher of {money} for {email} (single use), sent to the customer; no money "
                    "back, stock not changed."
                ).format(money=state.money(amount), email=order.billing.email)
            )
        else:
            assert wire is not None
            how = (
                _("through {method}").format(method=method_text(order))
                if plan.gateway
                else _("manual")
            )
            rows.append(_("Refund {money} ({how}).").format(money=state.money(plan.total), how=how))
            rows.append(restock_notice(wire, plan, state) or _("Nothing goes back to stock."))
        if plan.reason:
            rows.append(_("Reason: {reason}").format(reason=plan.reason))
        return "\n".join(rows)

    # ---- the job -----------------------------------------------------------------

    async def _carry_out(self, job: ReturnJob) -> None:
        assert self.context is not None
        state = self.context.state
        shop: ShopClient = self.app.shop  # type: ignore[attr-defined]
        done: list[str] = []
        if job.outcome == "refund":
            if job.refund is None:
                assert job.wire is not None
                self.say(_("Sending the refund…"), "")
                request = job.wire.request
                outcome: RefundOutcome = (
                    await check_refund(shop, self.order_id, job.refund_key)
                    if job.verdict == "uncertain"
                    else await send_refund(shop, self.order_id, request, job.refund_key)
                )
                job.verdict = outcome.verdict
                if outcome.verdict != "landed" or outcome.refund is None:
                    self._money_not_given(job, outcome)
                    return
                job.refund = outcome.refund
            how = (
                _("through {method}").format(method=method_text(state.order))
                if job.plan.gateway
                else _("manual")
            )
            done.append(
                _(
                    "✔ Refund #{id} of {money} recorded ({how})."
                ).format(id=job.refund.id, money=state.money(job.refund.amount), how=how)
            )
        else:
            if job.coupon is None:
                self.say(_("Creating the voucher…"), "")
                coupon, problem = await self._create_coupon(shop, job, state)
                if coupon is None:
                    self.say(problem, "-uncertain" if job.verdict == "uncertain" else "-error")
                    if job.verdict == "refused":
                        self.job = None
                    return
                job.coupon = coupon
                job.verdict = "landed"
            done.append(_(
                "✔ Voucher {code} of {money} created."
            ).format(code=job.code, money=state.money(job.amount)))
        problems = await self._after_money(shop, job, state)
        if job.outcome == "refund" and job.refund is not None and job.credit_note is None:
            sentence, note = await save_credit_note(self.app, self.order_id, job.refund)
            job.credit_note = note
            done.append(sentence)
        if problems:
            self.say(
                "\n".join(
                    [*done, *problems, _("Press ctrl+s to finish (nothing is given twice).")]
                ),
                "-uncertain",
            )
            return
        if job.outcome == "voucher":
            done.append(_(
                "The code was sent to {email} (customer note)."
            ).format(email=state.order.billing.email))
        done.append(_("A private note records what came back."))
        self.say("\n".join(done), "-ok")
        self.notify(done[0], title=_("Return received"))
        self.last_job = job
        self.job = None
        self.tried = False
        self._filling = True
        try:
            for widget in self.query("#return-body Input"):
                widget.value = ""  # type: ignore[attr-defined]
            for box in self.query("#return-body Checkbox"):
                box.value = False  # type: ignore[attr-defined]
        finally:
            self._filling = False
        self.load()

    def _money_not_given(self, job: ReturnJob, outcome: RefundOutcome) -> None:
        if outcome.verdict == "uncertain":
            self.say(_(
                "? {message}\nPress ctrl+s to check with the shop."
            ).format(message=outcome.message), "-uncertain")
        elif outcome.verdict == "not_landed":
            self.say(_(
                "✖ {message} Press ctrl+s to send the same refund again."
            ).format(message=outcome.message), "-error")
        else:
            self.say(_("✖ {message} Nothing was refunded.").format(
                message=outcome.message,
            ), "-error")
            self.job = None

    async def _create_coupon(
        self, shop: ShopClient, job: ReturnJob, state: OrderState
    ) -> tuple[Coupon | None, str]:
        order = state.order
        data = {
            "code": job.code,
            "amount": format(job.amount, "f"),
            "discount_type": "fixed_cart",
            "email_restrictions": [order.billing.email],
            "usage_limit": 1,
            "individual_use": False,
            "description": f"Return voucher for order #{order.number}",
        }
        try:
            return await shop.create_coupon(data, idempotency_key=job.coupon_key), ""
        except Invalid as error:
            if error.code == "woocommerce_rest_coupon_code_already_exists":
                found = await self._find_coupon(shop, job.code)
                if found is not None:  # an earlier try of this job created it
                    return found, ""
            job.verdict = "refused"
            refused = _("✖ The shop refused the voucher: {error} No voucher was created.")
            return None, refused.format(error=error_text(error))
        except ShopError as error:
            found = None
            with contextlib.suppress(ShopError):
                found = await self._find_coupon(shop, job.code)
            if found is not None:
                return found, ""
            job.verdict = "uncertain"
            return None, _(
                "? {error} It is not known yet whether voucher {code} was created. "
                "Press ctrl+s to try again with the same code (a second one cannot be made)."
            ).format(error=error_text(error), code=job.code)

    @staticmethod
    async def _find_coupon(shop: ShopClient, code: str) -> Coupon | None:
        for coupon in await shop.list_coupons(search=code):
            if coupon.code.lower() == code.lower():
                return coupon
        return None

    async def _after_money(self, shop: ShopClient, job: ReturnJob, state: OrderState) -> list[str]:
        """The steps after the money: record the voucher, tell the customer, note the return.
        Each is done once; failures are reported and left for the next ctrl+s."""
        problems: list[str] = []
        order = state.order
        lang = self.app.customer_lang  # type: ignore[attr-defined]
        if job.outcome == "voucher" and not job.voucher_recorded:
            try:
                await self._record_voucher(shop, job)
                job.voucher_recorded = True
            except ShopError as error:
                problems.append(_(
                    "The voucher is not yet recorded on the order: {error}"
                ).format(error=error_text(error)))
        if job.outcome == "voucher" and not job.customer_noted:
            text = customer_voucher_message(order, job.code, state.money(job.amount), lang)
            try:
                await shop.add_note(
                    self.order_id,
                    text,
                    customer_note=True,
                    idempotency_key=job.customer_note_key,
                )
                job.customer_noted = True
            except ShopError as error:
                problems.append(_(
                    "The customer was not sent the code yet: {error}"
                ).format(error=error_text(error)))
        if not job.private_noted:
            try:
                await shop.add_note(
                    self.order_id,
                    self._private_note(job, state),
                    idempotency_key=job.private_note_key,
                )
                job.private_noted = True
            except ShopError as error:
                problems.append(_(
                    "The private note was not added yet: {error}"
                ).format(error=error_text(error)))
        return problems

    async def _record_voucher(self, shop: ShopClient, job: ReturnJob) -> None:
        order = await shop.get_order(self.order_id)
        vouchers = recorded_vouchers(order)
        if any(v.code == job.code for v in vouchers):
            return
        lines = tuple(
            (line.line_id, line.quantity, line.amount) for line in job.plan.lines if line.quantity
        )
        vouchers.append(Voucher(job.code, job.amount, lines))
        await shop.update_order(
            self.order_id,
            {"meta_data": [{"key": VOUCHERS_META, "value": [v.as_meta() for v in vouchers]}]},
        )

    def _private_note(self, job: ReturnJob, state: OrderState) -> str:
        config = self.app.config  # type: ignore[attr-defined]
        came_back = returned_text(job.plan, state)
        text = f"Return received: {came_back}."
        if job.plan.reason:
            text += f" Reason: {job.plan.reason}."
        if job.outcome == "voucher":
            text += (
                f" Voucher {job.code} of {state.money(job.amount)} given instead of a refund "
                f"(for {state.order.billing.email}); stock not changed."
            )
        elif job.refund is not None:
            back = [
                f"{line.quantity} × {line.name}"
                for line in job.plan.lines
                if job.wire is not None and line.line_id in job.wire.restocked
            ]
            text += f" Refund #{job.refund.id} of {state.money(job.refund.amount)}."
            text += f" Restocked: {', '.join(back)}." if back else " Nothing restocked."
        if getattr(config, "attribute_changes", True):
            text += f" By {config.staff} on {config.workstation} (orderdesk)."
        return text


__all__ = ["ReturnJob", "ReturnScreen", "customer_voucher_message", "voucher_code"]
