"""Reading config.toml: defaults, every setting, and errors that say where the problem is."""

from __future__ import annotations

import getpass
import os
import socket
import sys
from pathlib import Path

import pytest

from tui import paths
from tui.config import ConfigError, SecretError, ShopProfile, load_config, resolve_secret

FULL = """\
# The shop floor's settings
staff = "alice"
workstation = "pack-2"
attribute_changes = false
poll_interval = 5
bell = false
notify_customer_default = true
theme = "nord"
language = "fr"
default_shop = "main"

[statuses.awaiting-pickup]
label = "Awaiting pickup"
colour = "#d08770"
symbol = "P"
holds_stock = true

[statuses.completed]
color = "green"

[printers]
packing_slip = "Zebra_ZD420"
invoice = "HP_LaserJet"

[shop_identity]
name = "Les Jolis Bocaux"
address_lines = ["12 rue des Lilas", "75011 Paris"]
vat_number = "FR12345678901"
email = "bonjour@example.test"
phone = "+33 1 23 45 67 89"
legal_mentions = "SAS au capital de 10 000 €"
timezone = "Europe/Paris"

[shops.main]
url = "https://shop.example.test"
key = "ck_live"
secret_env = "ORDERDESK_TEST_SECRET"
verify = false
auth = "basic"

[shops.demo]
url = "http://127.0.0.1:8787"
kind = "reference"

[keymap]
refresh = "ctrl+r,R"
"""


def write(path: Path, text: str, mode: int = 0o600) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    path.chmod(mode)
    return path


def test_no_file_gives_defaults_and_writes_nothing(config_dir: Path) -> None:
    config = load_config()
    assert config.source is None
    assert config.staff == getpass.getuser()
    assert config.workstation == socket.gethostname()
    assert config.attribute_changes is True
    assert config.poll_interval == 2.0
    assert config.bell is True
    assert config.notify_customer_default is False
    assert config.theme == "textual-dark"
    assert config.shops == {} and config.statuses == {} and config.warnings == []
    assert config.printers.for_kind("invoice") is None
    assert not config_dir.exists()


def test_every_setting_is_read(config_dir: Path) -> None:
    config = load_config(write(paths.config_file(), FULL))
    assert config.source == paths.config_file()
    assert (config.staff, config.workstation) == ("alice", "pack-2")
    assert config.attribute_changes is False
    assert config.poll_interval == 5.0 and isinstance(config.poll_interval, float)
    assert config.bell is False and config.notify_customer_default is True
    assert config.theme == "nord" and config.language == "fr" and config.lang == "fr"

    pickup = config.statuses["awaiting-pickup"]
    assert (pickup.label, pickup.colour, pickup.symbol, pickup.holds_stock) == (
        "Awaiting pickup", "#d08770", "P", True)
    assert config.statuses["completed"].colour == "green"  # the US spelling is accepted
    assert config.statuses["completed"].holds_stock is None
    assert config.status_style_entries()["completed"] == {"colour": "green"}

    assert config.printers.for_kind("packing_slip") == "Zebra_ZD420"
    assert config.printers.for_kind("invoice") == "HP_LaserJet"
    assert config.printers.for_kind("credit_note") is None

    ident = config.shop_identity
    assert ident.name == "Les Jolis Bocaux"
    assert ident.address_lines == ("12 rue des Lilas", "75011 Paris")
    assert ident.vat_number == "FR12345678901"
    assert ident.legal_mentions == ("SAS au capital de 10 000 €",)
    assert ident.timezone == "Europe/Paris"

    main = config.shops["main"]
    assert main == ShopProfile(name="main", url="https://shop.example.test", key="ck_live",
                               secret_env="ORDERDESK_TEST_SECRET", verify=False, auth="basic")
    demo = config.shops["demo"]
    assert (demo.kind, demo.auth, demo.verify, demo.has_secret) == ("reference", "auto", True,
                                                                    False)
    assert config.shop_profile() is main  # default_shop
    assert config.shop_profile("demo") is demo
    assert config.keymap == {"refresh": "ctrl+r,R"}
    assert config.warnings == []


def test_language_follows_lang_when_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    monkeypatch.setenv("LANG", "fr_FR.UTF-8")
    assert load_config().lang == "fr"
    monkeypatch.setenv("LANG", "en_GB.UTF-8")
    assert load_config().lang == "en"


def error_for(tmp_path: Path, text: str) -> ConfigError:
    path = write(tmp_path / "config.toml", text)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert str(path) in str(caught.value)
    return caught.value


def test_bad_toml_names_file_and_line(tmp_path: Path) -> None:
    error = error_for(tmp_path, 'staff = "bob"\n\npoll_interval = = 3\n')
    assert error.line == 3
    assert "line 3" in str(error) and "invalid TOML" in str(error)


def test_not_utf8_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes(b'staff = "bob"\ntheme = "\xff"\n')
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert caught.value.line == 2 and "UTF-8" in str(caught.value)


def test_unknown_key_names_file_line_and_key(tmp_path: Path) -> None:
    error = error_for(tmp_path, FULL.replace('secret_env = "ORDERDESK_TEST_SECRET"',
                                             'secert = "cs_x"'))
    assert error.key == "shops.main.secert"
    assert error.line == FULL.splitlines().index('secret_env = "ORDERDESK_TEST_SECRET"') + 1
    assert f"line {error.line}" in str(error) and "shops.main.secert" in str(error)
    assert "did you mean 'secret'" in str(error)


def test_unknown_table_suggests_the_right_one(tmp_path: Path) -> None:
    error = error_for(tmp_path, 'bell = true\n\n[printer]\ninvoice = "HP"\n')
    assert (error.key, error.line) == ("printer", 3)
    assert "did you mean 'printers'" in str(error)


def test_wrong_type_names_key_and_line(tmp_path: Path) -> None:
    error = error_for(tmp_path, 'staff = "bob"\nbell = "yes"\n')
    assert (error.key, error.line) == ("bell", 2)
    assert "expected true or false" in str(error) and '"yes"' in str(error)

    error = error_for(tmp_path, '[shops.main]\nurl = "https://x.test"\nkey = "ck"\n'
                                'secret = "cs"\nverify = 3\n')
    assert (error.key, error.line) == ("shops.main.verify", 5)


@pytest.mark.parametrize(
    ("text", "key", "line", "words"),
    [
        ("\n\npoll_interval = 0.1\n", "poll_interval", 3, "between 0.5"),
        ('language = "de"\n', "language", 1, "'en'"),
        ('staff = "  "\n', "staff", 1, "empty"),
        ('[shops.x]\nurl = "ftp://x"\nkind = "reference"\n', "shops.x.url", 2, "https://"),
        ('[shops.x]\nurl = "https://x.test"\nkind = "shopify"\n', "shops.x.kind", 3,
         "'woocommerce'"),
        ('[shops.x]\nurl = "https://x.test"\nkey = "ck"\nsecret = "a"\nsecret_env = "B"\n',
         "shops.x.secret_env", 5, "only one of"),
        ('[shops.x]\nurl = "https://x.test"\n', "shops.x", 1, "needs key"),
        ('[shops.x]\nkind = "reference"\n', "shops.x", 1, "missing key 'url'"),
        ('[statuses.wc-held]\nlabel = "Held"\n', "statuses.wc-held", 1, "without the 'wc-'"),
        ('[statuses.held]\nlabel = "Held"\ncolour = "blurple"\n', "statuses.held.colour", 3,
         "blurple"),
        ('[shop_identity]\nname = "X"\ntimezone = "Mars/Olympus"\n', "shop_identity.timezone",
         3, "time zone"),
        ('default_shop = "nope"\n', "default_shop", 1, "no [shops.nope]"),
    ],
)
def test_bad_values_are_located(tmp_path: Path, text: str, key: str, line: int,
                                words: str) -> None:
    error = error_for(tmp_path, text)
    assert (error.key, error.line) == (key, line)
    assert words in str(error)


def test_key_inside_a_multiline_string_is_not_mistaken(tmp_path: Path) -> None:
    text = ('[shop_identity]\nlegal_mentions = """\nbell = not a key\n"""\n'
            'bell = "loud"\n')
    # `bell` under [shop_identity] is unknown; the line must be 5, not the string's line 3.
    error = error_for(tmp_path, text)
    assert (error.key, error.line) == ("shop_identity.bell", 5)


def test_loading_never_writes(tmp_path: Path) -> None:
    path = write(tmp_path / "config.toml", FULL)
    before = path.read_bytes(), path.stat().st_mtime_ns
    load_config(path)
    with pytest.raises(ConfigError):
        load_config(write(tmp_path / "bad.toml", "bell = ["))
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.toml", "config.toml"]


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_world_readable_file_warns(tmp_path: Path) -> None:
    path = write(tmp_path / "config.toml", FULL, mode=0o644)
    config = load_config(path)
    assert len(config.warnings) == 1
    assert "0644" in config.warnings[0] and "chmod 600" in config.warnings[0]
    path.chmod(0o600)
    assert load_config(path).warnings == []


def test_missing_ca_bundle_warns_with_line(tmp_path: Path) -> None:
    path = write(tmp_path / "config.toml", '[shops.x]\nurl = "https://x.test"\nkey = "k"\n'
                                           'secret = "s"\nverify = "/nonexistent/ca.pem"\n')
    config = load_config(path)
    assert config.shops["x"].verify == "/nonexistent/ca.pem"
    assert any("line 5" in w and "CA bundle" in w for w in config.warnings)


def test_unknown_profile_name_lists_the_known_ones(tmp_path: Path) -> None:
    config = load_config(write(tmp_path / "config.toml", FULL))
    with pytest.raises(ConfigError, match="main"):
        config.shop_profile("mian")


# --------------------------------------------------------------------------- secrets


def profile(**kw: str) -> ShopProfile:
    return ShopProfile(name="main", url="https://x.test", key="ck", **kw)


def test_inline_secret() -> None:
    assert resolve_secret(profile(secret="cs_inline")) == "cs_inline"


def test_secret_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ORDERDESK_TEST_SECRET", "cs_env")
    assert resolve_secret(profile(secret_env="ORDERDESK_TEST_SECRET")) == "cs_env"
    monkeypatch.delenv("ORDERDESK_TEST_SECRET")
    with pytest.raises(SecretError, match="ORDERDESK_TEST_SECRET is not set"):
        resolve_secret(profile(secret_env="ORDERDESK_TEST_SECRET"))


def test_secret_from_a_command() -> None:
    assert resolve_secret(profile(secret_command="echo cs_from_echo")) == "cs_from_echo"
    assert resolve_secret(profile(secret_command="printf 'cs with spaces'")) == "cs with spaces"


def test_failing_secret_command_says_why() -> None:
    with pytest.raises(SecretError) as caught:
        resolve_secret(profile(secret_command="echo 'vault is locked' >&2; exit 3"))
    message = str(caught.value)
    assert "exit status 3" in message and "vault is locked" in message
    assert caught.value.key == "shops.main.secret_command"
    with pytest.raises(SecretError, match="printed nothing"):
        resolve_secret(profile(secret_command="true"))


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except OSError:
        return False
    return state != "Z"  # a zombie has ended; only its exit status is left


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")
def test_hanging_secret_command_is_stopped_with_its_children(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("tui.config.SECRET_COMMAND_TIMEOUT", 0.5)
    pidfile = tmp_path / "helper.pid"
    command = f"sleep 60 >/dev/null 2>&1 & echo $! > {pidfile}; wait"
    with pytest.raises(SecretError, match=r"did not finish within 0\.5 s"):
        resolve_secret(profile(secret_command=command))
    helper = int(pidfile.read_text())
    try:
        assert not _alive(helper), "the command's background helper was left running"
    finally:
        if _alive(helper):
            os.kill(helper, 9)


def test_secret_command_from_the_file_runs(tmp_path: Path) -> None:
    path = write(tmp_path / "config.toml", '[shops.main]\nurl = "https://x.test"\nkey = "ck"\n'
                                           'secret_command = "printf cs_cmd"\n')
    assert resolve_secret(load_config(path).shops["main"]) == "cs_cmd"


def test_secret_is_not_in_the_profile_repr() -> None:
    assert "cs_hidden" not in repr(profile(secret="cs_hidden"))


def test_env_override_moves_the_config_dir(config_dir: Path) -> None:
    assert paths.config_file() == config_dir / "config.toml"
    assert paths.messages_file() == config_dir / "messages.toml"
    assert paths.documents_dir() == Path(os.environ["ORDERDESK_DATA_DIR"]) / "documents"
