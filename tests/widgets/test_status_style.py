"""Status looks: every status readable without colour, config overrides checked."""

from __future__ import annotations

import pytest
from rich.cells import cell_len
from rich.color import Color, ColorSystem

from client.model import CORE_STATUSES
from tui.status_style import DEFAULT_STYLES, StatusStyleError, StatusStyles


def test_core_statuses_and_trash_each_have_their_own_word_symbol_and_colour():
    styles = StatusStyles()
    statuses = [*CORE_STATUSES, "trash"]
    looks = [styles[s] for s in statuses]
    assert len({look.colour for look in looks}) == len(statuses)
    assert len({look.symbol for look in looks}) == len(statuses)
    assert len({look.ascii_symbol for look in looks}) == len(statuses)
    for status, look in zip(statuses, looks, strict=True):
        assert look.label == status
        assert cell_len(look.symbol) == 1 and look.ascii_symbol.isascii()
        assert styles.badge(status) == f"{look.symbol} {status}"


@pytest.mark.parametrize("system", [ColorSystem.STANDARD, ColorSystem.EIGHT_BIT])
def test_default_colours_stay_distinct_in_16_and_256_colour_terminals(system):
    styles = StatusStyles()
    statuses = [*CORE_STATUSES, "trash", "some-custom-status"]
    downgraded = {Color.parse(styles[s].colour).downgrade(system).number for s in statuses}
    assert len(downgraded) == len(statuses)


def test_default_colours_keep_their_hue_in_16_colours():
    expected = {"failed": 1, "processing": 2, "on-hold": 3, "refunded": 5, "pending": 6}
    styles = StatusStyles()
    for status, ansi_number in expected.items():
        assert Color.parse(styles[status].colour).downgrade(ColorSystem.STANDARD).number == (
            ansi_number
        )


def test_unknown_status_shows_its_slug():
    styles = StatusStyles()
    look = styles["ready-pickup"]
    assert look.label == "ready-pickup"
    assert styles.badge("ready-pickup").endswith("ready-pickup")
    assert "ready-pickup" not in styles


def test_ascii_mode_badges_are_plain_ascii():
    styles = StatusStyles(ascii=True)
    for status in (*CORE_STATUSES, "trash", "custom"):
        assert styles.badge(status).isascii()


def test_config_overrides_a_core_status_and_adds_a_custom_one():
    styles = StatusStyles.from_config(
        {
            "processing": {"colour": "bright_green"},
            "ready-pickup": {"label": "ready for pickup", "color": "#ff8800", "symbol": "▶"},
        }
    )
    assert styles["processing"].colour == "bright_green"
    assert styles["processing"].label == "processing"  # kept from the default
    custom = styles["ready-pickup"]
    assert (custom.label, custom.colour, custom.symbol) == ("ready for pickup", "#ff8800", "▶")
    assert list(styles)[-1] == "ready-pickup"
    assert styles["completed"] == DEFAULT_STYLES["completed"]


@pytest.mark.parametrize(
    ("entry", "key"),
    [
        ({"colour": "blurple"}, "shipped.colour"),
        ({"symbol": "ab"}, "shipped.symbol"),
        ({"symbol": "📦"}, "shipped.symbol"),  # two cells wide: would shift the row
        ({"label": ""}, "shipped.label"),
        ({"icon": "x"}, "shipped.icon"),
    ],
)
def test_bad_config_names_the_status_and_key(entry, key):
    with pytest.raises(StatusStyleError) as caught:
        StatusStyles.from_config({"shipped": entry})
    assert caught.value.key == key
    assert key in str(caught.value)


def test_badge_text_contrasts_with_its_background():
    styles = StatusStyles.from_config(
        {
            "a": {"colour": "#ffff00"},
            "b": {"colour": "#000080"},
            "c": {"colour": "yellow"},
            "d": {"colour": "red"},
        }
    )
    assert [styles[s].text_colour for s in "abcd"] == ["black", "bright_white"] * 2
