"""What the example generators share: the seed, the as-of date, name stems and a stable hash.

Nothing at run time imports the examples package; `carequality example` and the tests do.
"""

from __future__ import annotations

import datetime as dt
import random

from carequality import vocab

SEED = 20260401
#: The example data's as-of date (the latest publication date in the generated CQC files).
AS_OF = dt.date(2026, 3, 27)

FIRST_NAMES = [
    "Acorn",
    "Beech",
    "Bramble",
    "Cedar",
    "Clover",
    "Elm",
    "Fern",
    "Hawthorn",
    "Hazel",
    "Heather",
    "Holly",
    "Ivy",
    "Juniper",
    "Larch",
    "Linden",
    "Maple",
    "Meadow",
    "Oak",
    "Orchard",
    "Primrose",
    "Rowan",
    "Sycamore",
    "Willow",
    "Yew",
    "Foxglove",
    "Bluebell",
    "Kestrel",
    "Heron",
    "Lapwing",
    "Skylark",
]

HOME_SUFFIXES = ["House", "Lodge", "Court", "Grange", "Manor", "View", "Gardens"]
COMMUNITY_SUFFIXES = ["Home Care", "Care at Home", "Homecare Services", "Supported Living", "Community Care"]
STREETS = ["Station Road", "Church Lane", "Mill Lane", "High Street", "Park Road", "The Green", "Ousegate", "Gillygate"]


def pick(rng: random.Random, weights: dict[str, float]) -> str:
    """One key of `weights`, drawn with those weights."""
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def kq_ratings(rng: random.Random, overall: str) -> dict[str, str]:
    """Key-question ratings around an overall rating: mostly the same, sometimes a step either side."""
    if overall not in vocab.GRADED:
        return {q: overall for q in vocab.KEY_QUESTIONS}
    idx = vocab.GRADED.index(overall)
    out = {}
    for q in vocab.KEY_QUESTIONS:
        step = rng.choices([-1, 0, 1], weights=[0.12, 0.76, 0.12])[0]
        out[q] = vocab.GRADED[min(3, max(0, idx + step))]
    if overall == "Outstanding":
        out["Caring"] = "Outstanding"
    if overall in ("Requires improvement", "Inadequate"):
        out["Safe"] = overall
        out["Well-led"] = overall
    return out


def hash_name(text: str) -> int:
    """A stable small hash (Python's hash() is salted per process)."""
    h = 0
    for ch in text:
        h = (h * 131 + ord(ch)) % 1_000_000_007
    return h
