"""`orderdesk shops …`: add, test and list shop profiles in ``config.toml``.

Why a command and not only a hand-edited file: a shop owner's first contact with orderdesk
is "does it work with my store?". `shops add --test` answers that before anything is saved
(see `client.diagnose`) and `shops test NAME` answers it again whenever something breaks,
one plain verdict per check. Scripts get flags; a person at a terminal who types just
`orderdesk shops add` gets a form.

Profiles are written by `tui.config.save_profile` (file created 0600, appended as text so
the user's comments stay); nothing here rewrites the file.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from tui import paths
from tui.config import (
    AUTH_MODES,
    SHOP_KINDS,
    Config,
    ConfigError,
    ShopProfile,
    load_config,
    resolve_secret,
    save_profile,
)

if TYPE_CHECKING:
    from client.diagnose import Diagnosis

#: Exit statuses: 0 all good, 1 the shop (or a check) failed, 2 bad usage or config.
EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def add_shops_commands(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:  # type: ignore[type-arg]
    """Register the `shops` group on the console's subparsers; returns the group's parser."""
    parser = subparsers.add_parser(
        "shops",
        help="add, test and list shop profiles",
        description="Shop profiles ([shops.NAME] in config.toml).",
    )
    sub = parser.add_subparsers(dest="shops_command", metavar="COMMAND", required=True)

    add = sub.add_parser(
        "add",
        help="add a shop profile (a form when run without options at a terminal)",
        description="Add a [shops.NAME] profile to config.toml. Without options at a "
        "terminal, asks for each value.",
    )
    add.add_argument("name", nargs="?", help="profile name (letters, digits, - and _)")
    add.add_argument("--url", help="the shop's address, e.g. https://shop.example")
    add.add_argument("--key", help="REST API consumer key (ck_…)")
    secret = add.add_mutually_exclusive_group()
    secret.add_argument("--secret", help="consumer secret (cs_…), stored in the file")
    secret.add_argument("--secret-env", metavar="VAR", help="read the secret from $VAR")
    secret.add_argument(
        "--secret-command",
        metavar="CMD",
        help="run CMD to get the secret (a password manager, e.g. 'pass show shop/cs')",
    )
    add.add_argument("--kind", choices=SHOP_KINDS, default="woocommerce")
    add.add_argument("--auth", choices=AUTH_MODES, default="auto", help="how to authenticate")
    tls = add.add_mutually_exclusive_group()
    tls.add_argument(
        "--verify",
        dest="verify",
        action="store_true",
        default=None,
        help="verify the shop's TLS certificate (the default)",
    )
    tls.add_argument(
        "--no-verify",
        dest="verify",
        action="store_false",
        help="do not verify TLS certificates (unsafe: the key can be read in between)",
    )
    tls.add_argument("--ca-bundle", metavar="PATH", help="trust this CA bundle for the shop")
    add.add_argument(
        "--test", action="store_true", help="check the shop first (refuses a key that fails)"
    )
    add.add_argument(
        "--force", action="store_true", help="with --test: save even if authentication fails"
    )
    add.set_defaults(func=run_add)

    test = sub.add_parser(
        "test",
        help="check a profile: reachability, authentication, permission, version",
        description="Check that orderdesk can work with the shop of a profile; exits 0 "
        "only if every check passes.",
    )
    test.add_argument("name", nargs="?", help="profile name (default: every profile)")
    test.add_argument("--ascii", action="store_true", help="OK/FAIL instead of ✔/✖")
    test.set_defaults(func=run_test)

    listing = sub.add_parser("list", help="list the shop profiles")
    listing.set_defaults(func=run_list)
    return parser


# --------------------------------------------------------------------------- shared


def _config_path(args: argparse.Namespace) -> Path:
    given = getattr(args, "config", None)
    return Path(given) if given else paths.config_file()


def _load(args: argparse.Namespace, err: TextIO) -> Config | None:
    try:
        config = load_config(_config_path(args))
    except ConfigError as error:
        print(f"orderdesk: {error}", file=err)
        return None
    for warning in config.warnings:
        print(f"warning: {warning}", file=err)
    return config


def _verify_of(args: argparse.Namespace) -> bool | str:
    if getattr(args, "ca_bundle", None):
        return str(Path(args.ca_bundle).expanduser())
    return True if args.verify is None else bool(args.verify)


def _client_auth(profile_auth: str) -> str:
    return "oauth" if profile_auth == "oauth1" else profile_auth


def run_diagnosis(profile: ShopProfile, secret: str) -> Diagnosis:
    """`client.diagnose` for a profile (blocking: for the command line); a PrestaShop
    profile gets PrestaShop's questions (`client.prestashop.diagnose`)."""
    from client.diagnose import diagnose

    if profile.kind == "prestashop":
        from client.prestashop.diagnose import diagnose_prestashop

        return asyncio.run(
            diagnose_prestashop(profile.url, profile.key or secret, verify=profile.verify)
        )
    return asyncio.run(
        diagnose(
            profile.url,
            profile.key,
            secret,
            auth=_client_auth(profile.auth),  # type: ignore[arg-type]
            verify=profile.verify,
        )
    )


def _print_diagnosis(diagnosis: Diagnosis, out: TextIO, *, ascii_only: bool = False) -> None:
    from client.diagnose import verdict_lines

    ascii_only = ascii_only or not _can_print(out, "✔✖→")
    for line in verdict_lines(diagnosis, ascii_only=ascii_only):
        if ascii_only and not _can_print(out, line):
            line = line.encode("ascii", "replace").decode("ascii")
        print(line, file=out)


def _can_print(out: TextIO, text: str) -> bool:
    encoding = getattr(out, "encoding", None) or "utf-8"
    try:
        text.encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return False
    return True


# --------------------------------------------------------------------------- add


def run_add(
    args: argparse.Namespace,
    *,
    out: TextIO | None = None,
    err: TextIO | None = None,
    ask: Callable[[str], str] | None = None,
    ask_secret: Callable[[str], str] | None = None,
) -> int:
    """`orderdesk shops add`: from flags, else (at a terminal) a form, else a usage error."""
    out = out or sys.stdout
    err = err or sys.stderr
    config = _load(args, err)
    if config is None:
        return EXIT_USAGE
    no_flags = args.url is None and args.key is None and not _has_secret_flag(args)
    if no_flags:
        interactive = ask is not None or (sys.stdin.isatty() and sys.stdout.isatty())
        if not interactive:
            print(
                "orderdesk: shops add needs --url, --key and a secret option "
                "(or run it at a terminal to be asked)",
                file=err,
            )
            return EXIT_USAGE
        if ask is None and _textual_form_available():
            return _run_form(args, config, out=out, err=err)
        return _add_by_questions(args, config, out=out, err=err, ask=ask, ask_secret=ask_secret)
    if not args.name:
        print("orderdesk: shops add needs a profile NAME", file=err)
        return EXIT_USAGE
    missing = [flag for flag, value in (("--url", args.url),) if not value]
    if args.kind == "woocommerce":
        if not args.key:
            missing.append("--key")
        if not _has_secret_flag(args):
            missing.append("--secret, --secret-env or --secret-command")
    if missing:
        print(f"orderdesk: shops add: missing {', '.join(missing)}", file=err)
        return EXIT_USAGE
    profile = ShopProfile(
        name=args.name,
        url=args.url.strip(),
        kind=args.kind,
        key=(args.key or "").strip(),
        secret=args.secret,
        secret_env=args.secret_env,
        secret_command=args.secret_command,
        verify=_verify_of(args),
        auth=args.auth,
    )
    return _test_and_save(
        profile, config, _config_path(args), test=args.test, force=args.force, out=out, err=err
    )


def _has_secret_flag(args: argparse.Namespace) -> bool:
    return any(getattr(args, n, None) for n in ("secret", "secret_env", "secret_command"))


def _test_and_save(
    profile: ShopProfile,
    config: Config,
    path: Path,
    *,
    test: bool,
    force: bool,
    out: TextIO,
    err: TextIO,
) -> int:
    if profile.name in config.shops:
        print(
            f"orderdesk: a shop profile named {profile.name!r} already exists in {path}; "
            "choose another name (or edit the file)",
            file=err,
        )
        return EXIT_FAILED
    if test:
        try:
            secret = resolve_secret(profile)
        except ConfigError as error:
            print(f"orderdesk: {error}", file=err)
            return EXIT_FAILED
        diagnosis = run_diagnosis(profile, secret)
        _print_diagnosis(diagnosis, out)
        if not diagnosis.authenticated:
            from client.diagnose import AUTHENTICATION

            auth = diagnosis.check(AUTHENTICATION)
            if not force:
                print(
                    f"orderdesk: not saved: authentication failed ({auth.verdict}). "
                    "Fix it and try again, or add --force to save anyway.",
                    file=err,
                )
                return EXIT_FAILED
            print("warning: authentication failed; saving anyway (--force)", file=err)
    try:
        written = save_profile(profile.name, profile, path)
    except ConfigError as error:
        print(f"orderdesk: {error}", file=err)
        return EXIT_FAILED
    print(f"Saved shop profile {profile.name!r} in {written}.", file=out)
    if profile.secret is not None:
        print("The secret is stored in that file (mode 0600).", file=out)
    print(f"Open it with: orderdesk --shop {profile.name}", file=out)
    return EXIT_OK


def _add_by_questions(
    args: argparse.Namespace,
    config: Config,
    *,
    out: TextIO,
    err: TextIO,
    ask: Callable[[str], str] | None,
    ask_secret: Callable[[str], str] | None,
) -> int:
    """The plain-terminal form: one question per value (the secret is not echoed)."""
    ask = ask or input
    ask_secret = ask_secret or getpass.getpass

    def question(prompt: str, default: str = "") -> str:
        shown = f"{prompt} [{default}]: " if default else f"{prompt}: "
        try:
            answer = ask(shown).strip()
        except EOFError:
            raise KeyboardInterrupt from None
        return answer or default

    try:
        name = args.name or question("Profile name (e.g. main)")
        url = question("Shop address (https://…)")
        kind = question("Kind (woocommerce or reference)", "woocommerce")
        key = question("Consumer key (ck_…)")
        source = question("Secret from: 1 typed here, 2 an environment variable, 3 a command", "1")
        secret = secret_env = secret_command = None
        if source == "2":
            secret_env = question("Environment variable name")
        elif source == "3":
            secret_command = question("Command that prints the secret")
        else:
            try:
                secret = ask_secret("Consumer secret (cs_…, not shown): ").strip()
            except EOFError:
                raise KeyboardInterrupt from None
        ca_bundle = question("CA bundle for the shop's certificate (empty: the system's)")
        test = question("Test the shop before saving? (y/n)", "y").lower().startswith("y")
    except KeyboardInterrupt:
        print("\nNothing saved.", file=err)
        return EXIT_FAILED
    if kind not in SHOP_KINDS:
        print(f"orderdesk: kind must be one of {', '.join(SHOP_KINDS)}", file=err)
        return EXIT_USAGE
    profile = ShopProfile(
        name=name,
        url=url,
        kind=kind,
        key=key,
        secret=secret or None,
        secret_env=secret_env or None,
        secret_command=secret_command or None,
        verify=str(Path(ca_bundle).expanduser()) if ca_bundle else True,
    )
    return _test_and_save(
        profile, config, _config_path(args), test=test, force=False, out=out, err=err
    )


def _textual_form_available() -> bool:
    try:
        import screens.shop_form  # noqa: F401
    except ImportError:
        return False
    return True


def _run_form(args: argparse.Namespace, config: Config, *, out: TextIO, err: TextIO) -> int:
    """The Textual form (screens.shop_form), in an app of its own."""
    from screens.shop_form import run_shop_form

    saved = run_shop_form(_config_path(args), name=args.name or "")
    if saved is None:
        print("Nothing saved.", file=err)
        return EXIT_FAILED
    print(f"Saved shop profile {saved.name!r} in {_config_path(args)}.", file=out)
    print(f"Open it with: orderdesk --shop {saved.name}", file=out)
    return EXIT_OK


# --------------------------------------------------------------------------- test


def run_test(
    args: argparse.Namespace, *, out: TextIO | None = None, err: TextIO | None = None
) -> int:
    """`orderdesk shops test [NAME]`: one verdict per check; exit 0 only if all pass."""
    out = out or sys.stdout
    err = err or sys.stderr
    config = _load(args, err)
    if config is None:
        return EXIT_USAGE
    if args.name:
        if args.name not in config.shops:
            known = ", ".join(sorted(config.shops)) or "none"
            print(f"orderdesk: no shop profile named {args.name!r} (profiles: {known})", file=err)
            return EXIT_USAGE
        names = [args.name]
    else:
        names = sorted(config.shops)
        if not names:
            print(
                f"orderdesk: no shop profiles in {_config_path(args)}; add one with "
                "orderdesk shops add",
                file=err,
            )
            return EXIT_USAGE
    status = EXIT_OK
    for index, name in enumerate(names):
        profile = config.shops[name]
        if len(names) > 1:
            print(("\n" if index else "") + f"[{name}] {profile.url}", file=out)
        try:
            secret = resolve_secret(profile)
        except ConfigError as error:
            print(f"orderdesk: {error}", file=err)
            status = EXIT_FAILED
            continue
        diagnosis = run_diagnosis(profile, secret)
        _print_diagnosis(diagnosis, out, ascii_only=args.ascii)
        if not diagnosis.ok:
            status = EXIT_FAILED
    return status


# --------------------------------------------------------------------------- list


def describe_secret(profile: ShopProfile) -> str:
    """Where a profile's secret comes from, never the secret itself."""
    if profile.secret is not None:
        return "in the file"
    if profile.secret_env is not None:
        state = "set" if os.environ.get(profile.secret_env) else "NOT SET"
        return f"${profile.secret_env} ({state})"
    if profile.secret_command is not None:
        return f"command: {profile.secret_command}"
    return "none"


def mask_key(key: str) -> str:
    """`ck_1234…cdef`: enough to tell keys apart, not enough to use one."""
    if len(key) <= 12:
        return key[:3] + "…" if key else "(none)"
    return f"{key[:7]}…{key[-4:]}"


def run_list(
    args: argparse.Namespace, *, out: TextIO | None = None, err: TextIO | None = None
) -> int:
    out = out or sys.stdout
    err = err or sys.stderr
    config = _load(args, err)
    if config is None:
        return EXIT_USAGE
    if not config.shops:
        print(f"No shop profiles in {_config_path(args)}. Add one: orderdesk shops add", file=out)
        return EXIT_OK
    default = config.default_shop or (next(iter(config.shops)) if len(config.shops) == 1 else "")
    rows = []
    for name in sorted(config.shops):
        profile = config.shops[name]
        tls = ""
        if isinstance(profile.verify, str):
            tls = f", CA {profile.verify}"
        elif profile.verify is False:
            tls = ", TLS NOT VERIFIED"
        auth = "" if profile.auth == "auto" else f", auth {profile.auth}"
        rows.append(
            (
                ("* " if name == default else "  ") + name,
                profile.kind,
                profile.url,
                f"key {mask_key(profile.key)}, secret {describe_secret(profile)}{auth}{tls}",
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    for row in rows:
        cells = "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row[:3]))
        print(f"{cells}  {row[3]}", file=out)
    if default:
        print("(* opens by default; the others with: orderdesk --shop NAME)", file=out)
    return EXIT_OK
