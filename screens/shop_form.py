"""The "add a shop" form: fill in a profile, test it against the shop, save it.

Opened by `orderdesk shops add` at a terminal (in an app of its own, `run_shop_form`), and
usable inside the console too (`ShopFormScreen(config_path)`, dismissed with the saved
`ShopProfile` or None). Saving always tests first, like `shops add --test`: a key the shop
refuses is not saved unless the person asks a second time.

No HTTP here: the checks are `client.diagnose`, the writing is `tui.config.save_profile`.
"""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Checkbox, Input, Label, Select, Static

from client.diagnose import AUTHENTICATION, MARKS, Diagnosis, diagnose
from tui.config import (
    AUTH_MODES,
    SHOP_KINDS,
    ConfigError,
    ShopProfile,
    load_config,
    resolve_secret,
    save_profile,
)
from tui.error_text import error_text
from tui.i18n import N_, _
from tui.widgets.footer import Footer

SECRET_SOURCES: tuple[tuple[str, str], ...] = (
    (N_("typed here (kept in config.toml, mode 0600)"), "secret"),
    (N_("an environment variable"), "secret_env"),
    (N_("a command (password manager)"), "secret_command"),
)
_SECRET_LABELS = {
    "secret": (N_("Secret"), "cs_…"),
    "secret_env": (N_("Variable"), N_("e.g. SHOP_SECRET")),
    "secret_command": (N_("Command"), N_("e.g. pass show shop/cs")),
}
_STYLES = {True: "green", False: "red", None: "yellow"}


class FormError(ValueError):
    """A value the form cannot use; `field` is the id of the input to fix."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


def render_diagnosis(diagnosis: Diagnosis) -> Text:
    """The verdicts, coloured: ✔ green, ✖ red, ? yellow, details dimmed."""
    text = Text()
    for check in diagnosis.checks:
        text.append(f"{MARKS[check.ok]} ", style=_STYLES[check.ok])
        text.append(f"{check.name}: ", style="bold")
        text.append(check.verdict + "\n")
        if check.detail:
            text.append(f"    {check.detail}\n", style="dim")
    return text


class ShopFormScreen(Screen[ShopProfile | None]):
    """Name, address, key and secret (typed, from a variable or a command), TLS, auth."""

    CSS_PATH = "shop_form.tcss"
    BINDINGS = [
        Binding("ctrl+t", "test", "Test the shop", priority=True, id="shop_form.test"),
        Binding("ctrl+s", "save", "Test and save", priority=True, id="shop_form.save"),
        Binding("escape", "cancel", "Cancel", id="shop_form.cancel"),
    ]

    def __init__(self, config_path: Path, *, name: str = "") -> None:
        super().__init__()
        self.config_path = config_path
        self.initial_name = name
        self._last: tuple[ShopProfile, Diagnosis] | None = None
        self._force_for: ShopProfile | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="shop-form"):
            yield Static(_("Add a shop"), classes="screen-title")
            with Grid(id="shop-form-fields"):
                yield Label(_("Name"))
                yield Input(self.initial_name, placeholder=_("e.g. main"), id="name", compact=True)
                yield Label(_("Address"))
                yield Input(placeholder=_("https://shop.example"), id="url", compact=True)
                yield Label(_("Kind"))
                yield Select(
                    [(k, k) for k in SHOP_KINDS], value="woocommerce", allow_blank=False,
                    id="kind", compact=True,
                )
                yield Label(_("Key"))
                yield Input(placeholder=_("ck_…"), id="key", compact=True)
                yield Label(_("Secret from"))
                yield Select(
                    [(_(text), value) for text, value in SECRET_SOURCES],
                    value="secret",
                    allow_blank=False,
                    id="source",
                    compact=True,
                )
                yield Label(_("Secret"), id="secret-label")
                yield Input(placeholder=_("cs_…"), password=True, id="secret", compact=True)
                yield Label(_("Auth"))
                yield Select(
                    [(m, m) for m in AUTH_MODES], value="auto", allow_blank=False, id="auth",
                    compact=True,
                )
                yield Label(_("CA bundle"))
                yield Input(placeholder=_("(the system's)"), id="ca_bundle", compact=True)
                yield Label("")
                yield Checkbox(_("Verify the TLS certificate"), True, id="verify", compact=True)
            yield Static(
                _("ctrl+t tests the shop · ctrl+s tests and saves · escape cancels"),
                classes="dialog-hint",
            )
            with VerticalScroll(id="shop-form-result-box"):
                yield Static("", id="shop-form-result")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#url" if self.initial_name else "#name", Input).focus()

    @on(Select.Changed, "#source")
    def _source_changed(self, event: Select.Changed) -> None:
        label, placeholder = _SECRET_LABELS[str(event.value)]
        self.query_one("#secret-label", Label).update(_(label))
        secret = self.query_one("#secret", Input)
        secret.placeholder = _(placeholder)
        secret.password = event.value == "secret"

    # ------------------------------------------------------------------ values

    def _value(self, field: str) -> str:
        return self.query_one(f"#{field}", Input).value.strip()

    def profile(self) -> ShopProfile:
        """The profile the form describes; FormError names the first field to fix."""
        name = self._value("name")
        if not name:
            raise FormError(_("Give the profile a name."), "name")
        url = self._value("url")
        if "://" not in url:
            raise FormError(_("The address starts with https:// (or http://)."), "url")
        kind = str(self.query_one("#kind", Select).value)
        source = str(self.query_one("#source", Select).value)
        secret_value = self.query_one("#secret", Input).value
        if source != "secret":
            secret_value = secret_value.strip()
        key = self._value("key")
        if kind == "woocommerce" and not key:
            raise FormError(_("A WooCommerce shop needs its consumer key (ck_…)."), "key")
        if kind == "woocommerce" and not secret_value:
            raise FormError(
                _("{what}: needed for WooCommerce.").format(what=_(_SECRET_LABELS[source][0])),
                "secret",
            )
        ca_bundle = self._value("ca_bundle")
        verify: bool | str = self.query_one("#verify", Checkbox).value
        if ca_bundle:
            path = Path(ca_bundle).expanduser()
            if not path.is_file():
                raise FormError(_("No CA bundle at {path}.").format(path=path), "ca_bundle")
            verify = str(path)
        return ShopProfile(
            name=name,
            url=url,
            kind=kind,
            key=key,
            verify=verify,
            auth=str(self.query_one("#auth", Select).value),
            **{source: secret_value} if secret_value else {},
        )

    def _show(self, content: Text | str, *, error: bool = False) -> None:
        result = self.query_one("#shop-form-result", Static)
        result.update(Text(content, style="red") if error and isinstance(content, str) else content)

    def _problem(self, error: FormError) -> None:
        self._show(error_text(error), error=True)
        self.query_one(f"#{error.field}", Input).focus()

    # ------------------------------------------------------------------ actions

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_test(self) -> None:
        try:
            profile = self.profile()
        except FormError as error:
            self._problem(error)
            return
        self._run(profile, save=False)

    def action_save(self) -> None:
        try:
            profile = self.profile()
        except FormError as error:
            self._problem(error)
            return
        if self._force_for == profile:
            self._save(profile)
            return
        if self._last is not None and self._last[0] == profile and self._last[1].authenticated:
            self._save(profile)
            return
        self._run(profile, save=True)

    @work(exclusive=True, group="shop-form", exit_on_error=False, description="test the shop")
    async def _run(self, profile: ShopProfile, *, save: bool) -> None:
        try:
            existing = load_config(self.config_path).shops
        except ConfigError as error:
            self._show(error_text(error), error=True)
            return
        if profile.name in existing:
            self._problem(FormError(
                _("A profile named {name!r} already exists.").format(name=profile.name), "name"
            ))
            return
        try:
            secret = resolve_secret(profile)
        except ConfigError as error:
            self._show(error_text(error), error=True)
            return
        self._show(_("Asking the shop…"))
        auth = "oauth" if profile.auth == "oauth1" else profile.auth
        diagnosis = await diagnose(
            profile.url, profile.key, secret, auth=auth, verify=profile.verify  # type: ignore[arg-type]
        )
        self._last = (profile, diagnosis)
        text = render_diagnosis(diagnosis)
        if save and diagnosis.authenticated:
            self._save(profile)
            return
        if save:
            self._force_for = profile
            head = Text(
                _(
                    "Not saved: {verdict}. Fix it, or press ctrl+s again to save anyway.\n"
                ).format(verdict=diagnosis.check(AUTHENTICATION).verdict),
                style="bold red",
            )
            text = head + text
        self._show(text)

    def _save(self, profile: ShopProfile) -> None:
        try:
            save_profile(profile.name, profile, self.config_path)
        except ConfigError as error:
            self._show(error_text(error), error=True)
            return
        self.dismiss(profile)


class ShopFormApp(App[ShopProfile | None]):
    """The form on its own, for `orderdesk shops add` at a terminal."""

    TITLE = "orderdesk — add a shop"
    CSS_PATH = [Path(__file__).parent.parent / "tui" / "styles" / "app.tcss"]

    def __init__(self, config_path: Path, *, name: str = "") -> None:
        super().__init__()
        self.config_path = config_path
        self.profile_name = name

    def on_mount(self) -> None:
        self.push_screen(ShopFormScreen(self.config_path, name=self.profile_name), self.exit)


def run_shop_form(config_path: Path, *, name: str = "") -> ShopProfile | None:
    """Run the form in its own app; the saved profile, or None if cancelled."""
    return ShopFormApp(config_path, name=name).run()
