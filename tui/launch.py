"""From command-line arguments to a running console: which shop, which credentials.

Kept apart from the CLI parser so tests can build the same app the command builds.
"""

from __future__ import annotations

import argparse
import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from tui import paths
from tui.config import MIN_POLL_INTERVAL, Config, ConfigError, load_config, resolve_secret
from tui.start_trace import mark

if TYPE_CHECKING:
    from tui.snapshot import QueueSnapshot

#: Config spells the OAuth mode `oauth1`; the client calls it `oauth`.
AUTH_NAMES = {"oauth1": "oauth"}


class LaunchError(Exception):
    """The console cannot start: bad flags, bad config, a profile that does not exist."""


@dataclass(frozen=True, slots=True)
class Target:
    label: str
    url: str
    key: str
    secret: str
    auth: str = "auto"
    verify: bool | str = True
    demo: bool = False
    #: "woocommerce" (also the reference shop) or "prestashop".
    kind: str = "woocommerce"
    timezone: str = ""
    admin_url: str = ""
    #: Who the queue snapshot belongs to (`tui.snapshot`); default: the URL and key.
    identity: str = ""


def shop_names(args: argparse.Namespace) -> list[str]:
    """The profiles `--shop` names (repeatable; a plain string from older callers)."""
    value = getattr(args, "shop", None)
    if not value:
        return []
    return [value] if isinstance(value, str) else list(dict.fromkeys(value))


def wants_several(args: argparse.Namespace) -> bool:
    """`--all`, or `--shop` given more than once: one console over several shops."""
    return bool(getattr(args, "all", False)) or len(shop_names(args)) > 1


def choose_target(args: argparse.Namespace, config: Config) -> Target | None:
    """The shop the flags or config name; None means the embedded demo shop."""
    names = shop_names(args)
    if args.url or args.key or args.secret:
        missing = [f"--{n}" for n in ("url", "key", "secret") if not getattr(args, n)]
        if missing:
            raise LaunchError(
                f"--url, --key and --secret go together; missing {', '.join(missing)}"
            )
        return Target(
            label=args.url, url=args.url, key=args.key, secret=args.secret, auth=args.auth or "auto"
        )
    if names or config.default_shop:
        name = names[0] if names else config.default_shop
        profile = config.shop_profile(name)
        if profile is None:
            known = ", ".join(sorted(config.shops)) or "none configured"
            raise LaunchError(f"no shop profile named {name!r} (known: {known})")
        try:
            secret = resolve_secret(profile)
        except ConfigError as error:
            raise LaunchError(str(error)) from None
        if profile.kind == "prestashop":
            # One credential: the Webservice key, inline or from a secret source.
            return Target(
                label=name,
                url=profile.url,
                key=profile.key or secret,
                secret="",
                verify=profile.verify,
                kind="prestashop",
                timezone=profile.timezone,
                admin_url=profile.admin_url,
            )
        return Target(
            label=name,
            url=profile.url,
            key=profile.key,
            secret=secret,
            auth=args.auth or AUTH_NAMES.get(profile.auth, profile.auth),
            verify=profile.verify,
        )
    return None


def run_console(args: argparse.Namespace, demo=None) -> int:  # demo: DemoShop | None
    """`demo`: the demo shop, already started by the caller (plain `orderdesk`); stopped
    here whatever happens, and used only when the flags and config choose no other shop."""
    try:
        return _run_console(args, demo)
    finally:
        if demo is not None:
            demo.stop()


def _run_console(args: argparse.Namespace, prestarted) -> int:
    try:
        config = load_config(Path(args.config) if args.config else None)
    except ConfigError as error:
        raise LaunchError(str(error)) from None
    if args.poll is not None:
        if args.poll < MIN_POLL_INTERVAL:
            raise LaunchError(f"--poll must be at least {MIN_POLL_INTERVAL} seconds")
        config = dataclasses.replace(config, poll_interval=args.poll)
    if wants_several(args):
        if args.url or args.key or args.secret:
            raise LaunchError(
                "--url/--key/--secret open one shop; not with --all or several --shop"
            )
        app = build_multi_app(shop_names(args) or None, config)
        for warning in config.warnings:
            app.call_later(app.notify, warning, severity="warning", timeout=10)
        app.run()
        return 0
    target = choose_target(args, config)
    demo = None
    if target is None:
        from tui.embedded import DemoShopError, start_demo_shop

        # Launched before the UI is imported, so both start at the same time.
        demo = prestarted or start_demo_shop(paths.data_dir())
        mark("demo shop launched")
        if demo.first_run:
            print("Preparing the demo shop (first run: seeding 2,000 orders)…", flush=True)
    try:
        from tui.app import OrderDeskApp  # noqa: F401 (imported while the shop starts)

        mark("tui.app imported")

        if demo is not None:
            if demo.first_run:
                try:
                    demo.wait_ready()
                except DemoShopError as error:
                    raise LaunchError(str(error)) from None
            url = demo.url
            register_custom_statuses(demo.db_path, config)
            from tui.snapshot import demo_identity

            target = Target(
                label="demo shop",
                url=url,
                key=demo.key,
                secret=demo.secret,
                demo=True,
                identity=demo_identity(demo.db_path, demo.key),
            )
        assert target is not None
        app = build_app(target, config)
        mark("app built")
        for warning in config.warnings:
            app.call_later(app.notify, warning, severity="warning", timeout=10)
        app.run()
    finally:
        if demo is not None:
            failure = demo.failure()
            demo.stop()
            if failure:
                raise LaunchError(failure)
    return 0


def register_custom_statuses(db_path: Path, config: Config) -> None:
    """The demo shop accepts the custom statuses configured for the console, as a real
    shop does once the plugin that defines them is installed."""
    from client.model import CORE_STATUSES
    from shop.statuses import add_status

    for slug, setting in config.statuses.items():
        if slug not in CORE_STATUSES:
            add_status(db_path, slug, setting.label or slug, holds_stock=bool(setting.holds_stock))


def build_multi_app(names: list[str] | None, config: Config):  # -> OrderDeskApp
    """One console over several profiles (`names`, or every profile of the config)."""
    from tui.app import OrderDeskApp
    from tui.multishop import RoutingClient, open_profiles

    if names is None and not config.shops:
        where = f" in {config.source}" if config.source else ""
        raise LaunchError(
            f"--all opens every shop profile, but there is none{where}. Add one with: "
            "orderdesk shops add (the demo shop opens with plain `orderdesk`)"
        )
    for name in names or ():
        if name not in config.shops:
            known = ", ".join(sorted(config.shops)) or "none configured"
            raise LaunchError(f"no shop profile named {name!r} (known: {known})")
    try:
        shops = open_profiles(config, names)
    except (ConfigError, ValueError) as error:
        raise LaunchError(str(error)) from None
    router = RoutingClient(shops)
    return OrderDeskApp(
        router,
        config=config,
        shop_label=" + ".join(shops.names),
        snapshots=profile_snapshots(shops.names, config),
    )


def profile_snapshots(names: list[str], config: Config) -> dict[str, QueueSnapshot]:
    """Each WooCommerce profile's queue snapshot: the file it has when opened alone
    (`queue_snapshot`), so either way of opening a shop starts from the other's last queue.
    (PrestaShop profiles keep none, as when opened alone.)"""
    snapshots = {}
    for name in names:
        profile = config.shop_profile(name)
        if profile is not None and profile.kind != "prestashop":
            snapshots[name] = queue_snapshot(profile.url, profile.key)
    return snapshots


def queue_snapshot(url: str, key: str, identity: str = "") -> QueueSnapshot:
    """Where a WooCommerce shop's queue is kept between runs: by `identity`, else by its
    URL and key (`tui.snapshot.identity_for`)."""
    from tui.snapshot import QueueSnapshot, identity_for

    return QueueSnapshot.in_dir(paths.data_dir(), identity or identity_for(url, key))


def build_app(target: Target, config: Config):  # -> OrderDeskApp
    from client.woocommerce import WooCommerceClient
    from tui.app import OrderDeskApp

    if target.kind == "prestashop":
        from client.prestashop import PrestaShopClient

        shop = PrestaShopClient(
            target.url,
            target.key,
            name=target.label,
            timezone=target.timezone or None,
            admin_url=target.admin_url,
            verify=target.verify,
        )
        return OrderDeskApp(shop, config=config, shop_label=target.label)
    client = WooCommerceClient(
        target.url,
        target.key,
        target.secret,
        name=target.label,
        auth=target.auth,  # type: ignore[arg-type]
        verify=target.verify,
    )
    snapshot = queue_snapshot(target.url, target.key, target.identity)
    return OrderDeskApp(
        client, config=config, shop_label=target.label, demo=target.demo, snapshot=snapshot
    )
