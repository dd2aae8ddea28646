"""Fast scanning with large case-insensitive patterns: the same matches, found sooner.

Reads: a compiled pattern and texts. Returns: the matches ``pattern.finditer``
would return, in the same order (or, with :meth:`Scanner.every_match`, the match at
every position where one starts, overlapping ones included).

Why: Python's regex engine tries every alternative of a pattern at every
position of the text, and with ``re.IGNORECASE`` it cannot skip ahead by a
literal prefix. The organ pattern has some seventy alternatives, so a plain scan
of a page costs a millisecond, most of it at positions where no organ can start.
A :class:`Scanner` first finds the few positions where a match *could* start (a
character class and the literal words every alternative begins with, read from
the pattern itself), and only there asks the full pattern. The candidates are a
superset of the real starts, and matches are taken left to right without
overlap exactly as ``finditer`` takes them, so the result is the same.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

try:  # the parser behind ``re``; private, so anything unexpected disables the shortcut
    from re import _constants as _c
    from re import _parser as _p
except ImportError:  # pragma: no cover - another Python
    _c = _p = None  # type: ignore[assignment]

__all__ = ["Scanner", "literal_heads"]

_MAX_PATHS = 5000


def literal_heads(pattern: re.Pattern[str]) -> list[str] | None:
    """The literal texts every match of ``pattern`` starts with (one per path), or None.

    None when some path starts with something other than a literal (a class, a
    repeat, a back-reference) or can match the empty string: then any position
    may start a match and there is nothing to skip.
    """
    if _p is None:
        return None
    try:
        tree = _p.parse(pattern.pattern, pattern.flags)
        heads: set[str] = set()
        if not _heads(list(tree), "", heads, [0]):
            return None
    except Exception:  # an internal change in ``re``: fall back to a plain scan
        return None
    return sorted(heads, key=len, reverse=True)


def _heads(seq: list, prefix: str, out: set[str], budget: list[int]) -> bool:
    """Add to ``out`` the literal run each path through ``seq`` starts with."""
    budget[0] += 1
    if budget[0] > _MAX_PATHS:
        return False
    for i, (op, av) in enumerate(seq):
        if op is _c.LITERAL:
            prefix += chr(av)
            continue
        rest = seq[i + 1 :]
        if op is _c.SUBPATTERN:
            return _heads(list(av[-1]) + rest, prefix, out, budget)
        if op is _c.BRANCH:
            return all(_heads(list(alt) + rest, prefix, out, budget) for alt in av[1])
        if op in (_c.MAX_REPEAT, _c.MIN_REPEAT) and av[0] == 0 and av[1] == 1:  # optional part
            return _heads(list(av[2]) + rest, prefix, out, budget) and _heads(rest, prefix, out, budget)
        if op in (_c.AT, _c.ASSERT, _c.ASSERT_NOT):  # zero width: the candidates stay a superset
            continue
        if op is _c.IN and len(av) <= 20 and all(o is _c.LITERAL for o, _a in av):  # "[;,]"
            return all(_heads(rest, prefix + chr(a), out, budget) for _o, a in av)
        break  # a class, a repeat ...: the literal run ends here
    if not prefix:
        return False
    out.add(prefix)
    return True


class Scanner:
    """``finditer`` of ``pattern`` that tries the full pattern only where a match can start.

    ``guard`` is a zero-width condition checked where a candidate starts (e.g.
    ``(?<![-/\\w])``: a word starts there), which must hold wherever the pattern matches;
    checked first, it lets the engine pass over most positions at once.
    """

    def __init__(self, pattern: re.Pattern[str], guard: str = "") -> None:
        self.pattern = pattern
        heads = literal_heads(pattern)
        self.candidates: re.Pattern[str] | None = None
        if heads:
            flags = pattern.flags & re.IGNORECASE
            # one class per first letter and then the rest of the heads that begin with it
            by_first: dict[str, set[str]] = {}
            for h in heads:
                first = h[0].casefold() if flags else h[0]
                by_first.setdefault(first, set()).add(h)
            groups = []
            for hs in by_first.values():
                firsts = "".join(sorted({re.escape(h[0]) for h in hs}))
                tails = "|".join(re.escape(t) for t in sorted({h[1:] for h in hs}, key=len, reverse=True))
                groups.append(f"[{firsts}](?:{tails})")
            self.candidates = re.compile(f"{guard}(?:{'|'.join(groups)})", flags)

    def search(self, text: str, pos: int = 0, endpos: int | None = None) -> re.Match[str] | None:
        """The first match, as ``pattern.search`` finds it."""
        return next(self.finditer(text, pos, endpos), None)

    def sub(self, repl: str | Callable[[re.Match[str]], str], text: str) -> str:
        """``pattern.sub(repl, text)``; a string ``repl`` is taken literally (no escapes)."""
        out: list[str] = []
        last = 0
        for m in self.finditer(text):
            out.append(text[last : m.start()])
            out.append(repl if isinstance(repl, str) else repl(m))
            last = m.end()
        if not out:
            return text
        out.append(text[last:])
        return "".join(out)

    def every_match(self, text: str) -> Iterator[re.Match[str]]:
        """``pattern.match(text, p)`` at every position ``p`` where it matches, overlapping
        matches included, in text order; tried only where a match can start."""
        if self.candidates is None:
            for p in range(len(text) + 1):
                m = self.pattern.match(text, p)
                if m is not None:
                    yield m
            return
        pos = 0
        while (c := self.candidates.search(text, pos)) is not None:
            p = c.start()
            m = self.pattern.match(text, p)
            if m is not None:
                yield m
            pos = p + 1

    def finditer(self, text: str, pos: int = 0, endpos: int | None = None) -> Iterator[re.Match[str]]:
        endpos = len(text) if endpos is None else endpos
        if self.candidates is None:
            yield from self.pattern.finditer(text, pos, endpos)
            return
        search = self.candidates.search
        match = self.pattern.match
        while True:
            c = search(text, pos, endpos)
            if c is None:
                return
            p = c.start()
            m = match(text, p, endpos)
            if m is not None and m.end() > p:
                yield m
                pos = m.end()
            else:
                pos = p + 1
