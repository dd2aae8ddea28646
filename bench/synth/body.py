"""A planted plan's own body and targets, copied from its parent at a known rate.

Reads: the plans in an order that puts parents first (:func:`bench.synth.dates.parents_first`),
the planting's random stream and its :class:`~bench.synth.model.Planted` record.
Returns: :func:`fill_bodies`, which sets every plan's ``body`` (the sentences of
sections I, III and IV) and ``targets`` (section II), and records in
``planted.origins`` the origin and printed length of each sentence, from which
the truth computes the share of a child's body taken from any parent.

Why copied sentence by sentence: text reuse along a link is what the reuse
analysis measures and the suggested parents rest on, so the truth must be exact.
A plan draws a reuse rate (0, 20, 50 or 80 %; 60-90 % for a plan whose "Thực
hiện" sentence is removed), copies that share of its sentences from its first
parent's body, in their order, with light edits (its own level word, a verb
swapped for its near-synonym, "Tiếp tục" in front), and writes the rest fresh
from 30 random bits (:mod:`bench.synth.prose`); a sentence keeps the code of the
sentence it was copied from, so copies of copies are traced too. Targets follow
the first parent's: each one kept, raised (stricter), lowered (looser) or left
out, and sometimes one added.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence

from bench.synth.model import Plan, Planted
from bench.synth.places import lvl_word
from bench.synth.prose import CENTRAL_TARGETS, INDICATORS, SLOTS

__all__ = ["ORIGIN", "REUSE_RATES", "fill_bodies", "sentence"]

REUSE_RATES = (0.0, 0.2, 0.5, 0.8)
_REUSE_UPTO = (0.4, 0.65, 0.85)  # cumulative: 40 % copy nothing, 25 % a fifth, 20 % half, 15 % 80 %
HIDDEN_RATES = (0.6, 0.7, 0.8, 0.9)
_MASK = ORIGIN = (1 << 30) - 1
_PLAIN = 3 << 30  # a sentence spec below this is a plain sentence (no edit, no place)
_V, _O, _M, _G, _P, _U = SLOTS
# A sentence spec is an int: its code (bits 0-29, six slots of five bits: ``spec & ORIGIN``, kept by
# a copy, is the origin the truth traces), "trên địa bàn toàn
# <level>" when bits 30-31 are both set, a verb swapped for its pair (bit 32), "Tiếp tục" (bit 33).
_SWAP, _AGAIN = 1 << 32, 1 << 33
# Two slots at a time (10 bits each): three look-ups and two joins make a plain sentence.
_VO = [f"{_V[i & 31]} {_O[i >> 5]} " for i in range(1024)]
_MG = [f"{_M[i & 31]} {_G[i >> 5]} " for i in range(1024)]
_PU = [f"{_P[i & 31]}, {_U[i >> 5]}." for i in range(1024)]


def sentence(spec: int, lvl: str) -> str:
    """The sentence a spec prints in a plan of level word ``lvl`` (see ``_SWAP``)."""
    if spec < _PLAIN:
        return _VO[spec & 1023] + _MG[(spec >> 10) & 1023] + _PU[(spec >> 20) & 1023]
    v = _V[(spec & 31) ^ ((spec >> 32) & 1)]
    if spec & _AGAIN:
        v = "Tiếp tục " + v[0].lower() + v[1:]
    where = _P[(spec >> 20) & 31]
    if (spec >> 30) & 3 == 3:
        where += f" trên địa bàn toàn {lvl}"
    o, m, g, u = _O[(spec >> 5) & 31], _M[(spec >> 10) & 31], _G[(spec >> 15) & 31], _U[(spec >> 25) & 31]
    return f"{v} {o} {m} {g} {where}, {u}."


def _pick(bits: Callable[[int], int], k: int, n: int) -> list[int]:
    """``k`` distinct numbers below ``n`` (a partial shuffle; ``random.sample`` is slower)."""
    pool = list(range(n))
    for i in range(k):
        j = i + bits(16) % (n - i)
        pool[i], pool[j] = pool[j], pool[i]
    return pool[:k]


def _rate(rng: random.Random) -> float:
    r = rng.random()
    a, b, c = _REUSE_UPTO
    return REUSE_RATES[0 if r < a else 1 if r < b else 2 if r < c else 3]


def fill_bodies(order: Sequence[Plan], rng: random.Random, planted: Planted) -> None:
    """Set ``body`` and ``targets`` of every plan, parents first (see the module docstring);
    ``planted.origins[idx]`` gets the specs of its sentences, in the order printed."""
    specs = planted.origins
    hidden = {p.idx for p in planted.hidden}
    bits = rng.getrandbits
    for p in order:
        if p.unit.level == "central":
            p.targets = list(CENTRAL_TARGETS)
            specs[p.idx] = []
            continue
        src = p.implements[0] if p.implements else None
        p.targets = _targets(src.targets if src is not None and src.targets is not None else [], rng)
        n = 8 + bits(8) % 5
        source = specs.get(src.idx, ()) if src is not None else ()
        rate = rng.choice(HIDDEN_RATES) if p.idx in hidden else _rate(rng) if source else 0.0
        planted.reuse_rate[p.idx] = rate
        k = min(round(rate * n), len(source))
        mine = [bits(32) for _ in range(n)]
        if k:
            picked = sorted(_pick(bits, k, len(source)))
            for at, i in zip(sorted(_pick(bits, k, n)), picked, strict=True):
                r = rng.random()
                s = source[i]
                mine[at] = s ^ _SWAP if r < 0.35 else s | _AGAIN if r < 0.5 else s
        specs[p.idx] = mine
        lvl = lvl_word(p.unit)
        texts = [sentence(s, lvl) for s in mine]
        p.body = [texts[:2], texts[2 : n - 2], texts[n - 2 :]]


def _targets(parent: list[tuple[str, int]], rng: random.Random) -> list[tuple[str, int]]:
    """A child's targets from its parent's: kept (35 %), raised (30 %; lowered instead from 92 %
    up), lowered (20 %) or left out (15 %), each by 1 to 8 points; one indicator the parent
    lacks added in 30 % of plans. The truth compares the values, whatever was drawn."""
    out: list[tuple[str, int]] = []
    draw = rng.random
    for key, v in parent:
        r = draw()
        step = 1 + int(draw() * 8)
        if r < 0.15:
            continue
        if r < 0.5:
            out.append((key, v))
        elif r < 0.8:
            out.append((key, v + step if v < 92 else v - step))
        else:
            out.append((key, max(5, v - step)))
    if draw() < 0.3:
        have = {k for k, _ in out} | {k for k, _ in parent}
        free = [k for k in INDICATORS if k not in have]
        if free:
            key = free[int(draw() * len(free))]
            lo, hi = INDICATORS[key][3]
            out.append((key, lo + int(draw() * (hi - lo + 1))))
    return out
