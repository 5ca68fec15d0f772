"""Colours and names shared by the plotly and matplotlib figures, so both paths look alike."""

from __future__ import annotations

ACTOR_COLOURS = {"USA": "#1f4e9c", "ROK": "#0f8f7e", "PRK": "#c0392b", "CHN": "#e08a1e", "JPN": "#8e44ad",
                 "RUS": "#6b7785"}
MODEL_COLOURS = {"mean": "#4d4d4d", "median": "#9a9a9a", "eum": "#d62728", "smp": "#2a9d3a",
                 "exchange": "#7b4fc9"}
MODEL_SYMBOLS = {"mean": "line-ns-open", "median": "x-thin-open", "eum": "diamond", "smp": "square",
                 "exchange": "triangle-up"}
MPL_MARKERS = {"mean": "|", "median": "x", "eum": "D", "smp": "s", "exchange": "^"}
PLAYER_COLOURS = {"USA": "#1f4e9c", "ROK": "#0f8f7e", "PRK-sincere": "#f08c84", "PRK-stalling": "#c0392b"}
LENS_COLOURS = {"cash": "#1f4e9c", "economic": "#e08a1e", "strategic": "#0f8f7e", "transactional": "#c0392b"}
_PALETTE = ["#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#666666",
            "#17becf", "#bcbd22"]


def actor_colour(actor: str, index: int = 0) -> str:
    return ACTOR_COLOURS.get(actor, _PALETTE[index % len(_PALETTE)])


def model_colour(model: str, index: int = 0) -> str:
    return MODEL_COLOURS.get(model, _PALETTE[(index + 3) % len(_PALETTE)])


def palette(i: int) -> str:
    return _PALETTE[i % len(_PALETTE)]


def pretty(issue_id: str) -> str:
    """``deal_structure`` → ``deal structure``."""
    return issue_id.replace("_", " ")
