"""What a person would notice about a screen's layout, read from Textual's compositor.

Used by the screen-size tests: a widget cut off where nothing can scroll it into view, two
widgets drawn over each other, a widget squeezed to nothing, a focused widget that looks
the same as when it is not focused.

Regions come from the compositor's full map (`screen.find_widget`): the widget's region on
the terminal and the clip (the viewport of the containers around it).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from rich.color import ColorSystem
from rich.style import Style
from textual.errors import NoWidget
from textual.geometry import Region
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Static


@dataclass(frozen=True, slots=True)
class Placed:
    widget: Widget
    region: Region
    visible: Region  # the part inside the viewports around it (empty when scrolled away)


def describe(widget: Widget) -> str:
    name = type(widget).__name__
    if widget.id:
        name += f"#{widget.id}"
    return name


def _shown(widget: Widget, screen: Screen) -> bool:
    """Displayed and visible, and so are its ancestors up to the screen."""
    node: Widget | None = widget
    while node is not None and node is not screen:
        if not node.display or not node.visible:
            return False
        node = node.parent if isinstance(node.parent, Widget) else None
    return True


def placed(screen: Screen) -> list[Placed]:
    """Every widget of `screen` that takes part in the layout, with where it landed."""
    out: list[Placed] = []
    for widget in screen.walk_children(with_self=False):
        if not isinstance(widget, Widget) or not _shown(widget, screen):
            continue
        try:
            geometry = screen.find_widget(widget)
        except NoWidget:
            continue
        out.append(Placed(widget, geometry.region, geometry.region.intersection(geometry.clip)))
    return out


def _is_overlay(widget: Widget) -> bool:
    """Drawn above the layout on purpose (a Select's drop-down, say)."""
    node: Widget | None = widget
    while isinstance(node, Widget) and not isinstance(node, Screen):
        if node.styles.overlay == "screen":
            return True
        node = node.parent if isinstance(node.parent, Widget) else None
    return False


def _keyboard_scrollable(widget: Widget, vertical: bool) -> bool:
    """A container the user can scroll with keys (focus it, then arrows/page keys)."""
    if isinstance(widget, Screen):
        return False
    can_scroll = widget.allow_vertical_scroll if vertical else widget.allow_horizontal_scroll
    return bool(can_scroll and widget.focusable)


def _says_something(widget: Widget) -> bool:
    if isinstance(widget, Static):
        return bool(str(widget.content).strip())
    return True


def cut_off(screen: Screen, items: list[Placed]) -> list[str]:
    """Widgets partly or wholly outside a container that cannot be scrolled to show them.

    Walk from the widget up to the screen: each container clips its children to its
    content area; past a container the user can scroll (in that direction) the widget is
    reachable, so only the containers below the first scrolling one matter.
    """
    problems: list[str] = []
    screen_region = screen.region
    by_widget = {p.widget: p for p in items}
    for item in items:
        widget, region = item.widget, item.region
        if region.width == 0 or region.height == 0:
            if _says_something(widget):
                problems.append(f"{describe(widget)} is squeezed to {region.size}")
            continue
        if _is_overlay(widget):
            if not screen_region.contains_region(region):
                problems.append(f"{describe(widget)} {region} leaves the screen {screen_region}")
            continue
        check_v = check_h = True
        node = widget.parent
        while isinstance(node, Widget) and (check_v or check_h):
            box = node.scrollable_content_region if node in by_widget else None
            if isinstance(node, Screen):
                box = screen_region
            if box is None:
                break
            for vertical in (True, False):
                if not (check_v if vertical else check_h):
                    continue
                if _keyboard_scrollable(node, vertical):
                    if vertical:
                        check_v = False
                    else:
                        check_h = False
                    continue
                lo, hi = (region.y, region.bottom) if vertical else (region.x, region.right)
                box_lo, box_hi = (box.y, box.bottom) if vertical else (box.x, box.right)
                if lo < box_lo or hi > box_hi:
                    direction = "vertically" if vertical else "horizontally"
                    problems.append(
                        f"{describe(widget)} {region} is cut off {direction} by "
                        f"{describe(node)} {box}"
                    )
                    if vertical:
                        check_v = False
                    else:
                        check_h = False
            if isinstance(node, Screen):
                break
            node = node.parent
    return problems


def leaves(items: list[Placed]) -> list[Placed]:
    parents = {p.widget.parent for p in items}
    return [p for p in items if p.widget not in parents and p.visible.area]


def overlaps(items: list[Placed]) -> list[str]:
    """Pairs of visible leaf widgets drawn over each other (overlays excepted)."""
    problems: list[str] = []
    flat = [p for p in leaves(items) if not _is_overlay(p.widget)]
    for index, first in enumerate(flat):
        for second in flat[index + 1 :]:
            common = first.visible.intersection(second.visible)
            if common.area:
                problems.append(
                    f"{describe(first.widget)} {first.visible} overlaps "
                    f"{describe(second.widget)} {second.visible}"
                )
    return problems


def layout_problems(screen: Screen) -> list[str]:
    items = placed(screen)
    return cut_off(screen, items) + overlaps(items)


# ---- reading the terminal ---------------------------------------------------------------


def cells(screen: Screen, region: Region) -> list[list[tuple[str, Style | None]]]:
    """The characters and styles the terminal shows inside `region`, colours as a
    16-colour terminal shows them (two shades that differ only in truecolor count as one)."""
    strips = screen._compositor.render_strips()
    out = []
    for y in range(region.y, region.bottom):
        if y >= len(strips):
            break
        strip = strips[y].crop(region.x, region.right)
        out.append(
            [(char, _in_16_colours(segment.style)) for segment in strip for char in segment.text]
        )
    return out


def _in_16_colours(style: Style | None) -> Style | None:
    """`style` as a 16-colour terminal shows it (what `TERM=xterm` over SSH gets)."""
    if style is None:
        return None
    return Style(
        color=style.color.downgrade(ColorSystem.STANDARD) if style.color else None,
        bgcolor=style.bgcolor.downgrade(ColorSystem.STANDARD) if style.bgcolor else None,
        bold=style.bold,
        dim=style.dim,
        italic=style.italic,
        underline=style.underline,
        reverse=style.reverse,
        strike=style.strike,
    )


def text_in(screen: Screen, region: Region) -> str:
    return "\n".join("".join(char for char, _ in row) for row in cells(screen, region))


def visible_region(screen: Screen, widget: Widget) -> Region:
    geometry = screen.find_widget(widget)
    return geometry.region.intersection(geometry.clip)


def iter_focusable(screen: Screen) -> Iterator[Widget]:
    yield from (w for w in screen.focus_chain if _shown(w, screen))
