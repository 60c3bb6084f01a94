"""The pocket card: the pack's rules on a wallet-size card that prints, cuts and folds.

A side of the card is about 85 x 55 mm, so it cannot hold every rule of a pack
(a default pack's modules have 47). A pack names its card's lines in `card:`;
a list it leaves out is picked from the modules: round-robin across the
modules, first rules first (authors put the most important first), repeats
and lines too long for the card skipped, at most three a list.
"""

from __future__ import annotations

from ..errors import ContentError
from ..model import CARD_LINE_CHARS, Module, Pack
from ..outputs import Output
from .context import PackContext

MOST_LINES = 3  # per list: what fits one side in 7 pt type
COPIES = {"A4": 4, "Letter": 3}  # cards per sheet: each 170 x 55 mm unfolded, plus marks


def render(ctx: PackContext) -> list[Output]:
    """Return the pocket card PDF: a sheet of identical cards to cut and fold; never one with an empty panel."""
    empty = empty_panels(ctx.pack, ctx.modules)
    if empty:
        raise ContentError([ctx.project.problem("pack", ctx.pack.id, loc, message) for loc, message in empty])
    do, dont = card_rules(ctx.pack, ctx.modules)
    job = ctx.pdf_job(
        "card.html",
        do=do,
        dont=dont,
        remember=remember(ctx.pack, ctx.modules),
        copies=COPIES[ctx.pack.page_size],
    )
    return [Output("card-pdf", "card.pdf", pdf=job)]


def empty_panels(pack: Pack, modules: list[Module]) -> list[tuple[tuple, str]]:
    """Return (location in the pack, message) for each panel of the card that would be empty."""
    do, dont = card_rules(pack, modules)
    panels = {"remember": (remember(pack, modules), "key points"), "do": (do, "rules"), "dont": (dont, "rules")}
    return [
        (
            ("card", panel),
            f"card.{panel}: the pocket card's '{panel}' panel would be empty: no {source} of its modules "
            f"fit the card (at most {CARD_LINE_CHARS} characters); write the lines under card.{panel}",
        )
        for panel, (lines, source) in panels.items()
        if not lines
    ]


def card_rules(pack: Pack, modules: list[Module]) -> tuple[list[str], list[str]]:
    """Return the do and don't rules the card shows."""
    ruled = [m.rules for m in modules if m.rules]
    do = list(pack.card.do) or pick_lines(in_turns([r.do for r in ruled]))
    dont = list(pack.card.dont) or pick_lines(in_turns([r.dont for r in ruled]))
    return do, dont


def remember(pack: Pack, modules: list[Module]) -> list[str]:
    """Return the three things to remember: the pack's, or key points picked from the modules."""
    return list(pack.card.remember) or pick_lines(in_turns([m.key_points for m in modules]))


def in_turns(lists: list[list[str]]) -> list[str]:
    """Return the first line of every list, then the second of every list, and so on."""
    return [ls[rank] for rank in range(max(map(len, lists), default=0)) for ls in lists if rank < len(ls)]


def pick_lines(candidates: list[str]) -> list[str]:
    """Return the first three distinct lines short enough for the card."""
    chosen: list[str] = []
    seen: set[str] = set()
    for line in candidates:
        key = " ".join(line.casefold().split())
        if len(line) <= CARD_LINE_CHARS and key not in seen:
            chosen.append(line)
            seen.add(key)
        if len(chosen) == MOST_LINES:
            break
    return chosen
