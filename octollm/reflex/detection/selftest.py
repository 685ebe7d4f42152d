"""A compiled Hyperscan database, tested against `re` before it is trusted.

Hyperscan 5.4 (as bundled by the `hyperscan` wheel) misses some matches: which ones depends on
the other patterns in the database and on the bytes before the match (a run of spaces before
`<|im_start|>` with another `<...>` pattern compiled alongside, `\\bi[\\s*_\\-]{1,15}have` more
than 15 bytes into a text). So each database is tested once, rule by rule: strings generated
from the rule's own pattern are placed after runs of filler characters of several lengths,
and wherever `re` finds a match Hyperscan must report the event that leads to it. A rule that
fails is *unreliable*: the Hyperscan backend runs `re` over the whole text for it instead.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from re import _constants as sre  # type: ignore[attr-defined]
from re import _parser  # type: ignore[attr-defined]

from octollm.reflex.detection.normalize import lower_ascii
from octollm.reflex.detection.rules import Rule

SELFTEST_VERSION = 2  # part of a cached verdict's key: a changed test tests again
SAMPLES_PER_RULE = 48
FILLERS = (" ", "a", "-", ".", "\n", "x1", "<", "\t")
RUNS = (0, 1, 9, 15, 17, 33, 130)
_CATEGORY_CHAR = {
    sre.CATEGORY_DIGIT: "5",
    sre.CATEGORY_SPACE: " ",
    sre.CATEGORY_WORD: "a",
}


def _pick_from_class(items: list[tuple[object, object]], rng: random.Random) -> str:
    choices: list[str] = []
    for op, value in items:
        if op is sre.LITERAL:
            choices.append(chr(value))  # type: ignore[arg-type]
        elif op is sre.RANGE:
            lo, hi = value  # type: ignore[misc]
            choices.append(chr(rng.randint(lo, hi)))
        elif op is sre.CATEGORY and value in _CATEGORY_CHAR:
            choices.append(_CATEGORY_CHAR[value])  # type: ignore[index]
    return rng.choice(choices) if choices else "a"


def _generate(items: object, rng: random.Random, mode: str) -> str:
    """A string from the language of a parsed pattern (assertions ignored). `mode`: repeats
    as few as allowed (`min`), as many as a few (`max`), any number (`random`), or each
    repeat one of those (`mixed`)."""
    out: list[str] = []
    for op, value in items:  # type: ignore[attr-defined]
        if op is sre.LITERAL:
            out.append(chr(value))
        elif op is sre.IN:
            out.append(_pick_from_class(value, rng))
        elif op is sre.BRANCH:
            out.append(_generate(rng.choice(value[1]), rng, mode))
        elif op is sre.SUBPATTERN:
            out.append(_generate(value[3], rng, mode))
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT):
            low, high, sub = value
            high = min(high, low + 4)
            pick = rng.choice(("min", "max", "random")) if mode == "mixed" else mode
            count = {"min": low, "max": high}.get(pick, rng.randint(low, high))
            out.extend(_generate(sub, rng, mode) for _ in range(count))
        elif op is sre.CATEGORY:
            out.append(_CATEGORY_CHAR.get(value, "a"))
    return "".join(out)


def samples(rule: Rule, count: int = SAMPLES_PER_RULE) -> Iterator[str]:
    """Distinct strings the rule matches, each with a space on either side: a third with every
    repeat as short as it can be, a third as long, a third with each repeat either. Hyperscan
    runs a `lowercase` rule ignoring case on the text as it is: its samples come in lower,
    upper and title case."""
    rng = random.Random(rule.name)
    parsed = _parser.parse(rule._cased(rule.body), rule.flags)
    seen: set[str] = set()
    for attempt in range(count * 20):
        text = " " + _generate(parsed, rng, ("min", "max", "mixed")[attempt % 3]) + " "
        if rule.lowercase:
            lowered = text.encode("utf-8").lower()  # bytes: ASCII letters only
            text = (lowered, lowered.upper(), lowered.title())[len(seen) % 3].decode("utf-8")
        if text not in seen and rule.regex.search(lower_ascii(text) if rule.lowercase else text):
            seen.add(text)
            yield text
            if len(seen) >= count:
                return


Scan = Callable[[bytes], list[tuple[int, int, int]]]


def unreliable(rules: list[Rule], scan: Scan) -> set[int]:
    """Indices of the rules Hyperscan does not find as `re` does (`scan`: a database's events,
    (index into `rules`, start, end) in bytes, for UTF-8 data)."""
    bad: set[int] = set()
    for index, rule in enumerate(rules):
        for sample in samples(rule):
            for filler in FILLERS:
                for run in RUNS:
                    text = filler * run + sample
                    data = text.encode("utf-8")
                    events = [(s, e) for i, s, e in scan(data) if i == index]
                    if not _covered(rule, text, events):
                        bad.add(index)
                        break
                if index in bad:
                    break
            if index in bad:
                break
    return bad


def _covered(rule: Rule, text: str, events: list[tuple[int, int]]) -> bool:
    """Whether every `re` match has the event the Hyperscan backend relies on."""

    def offset(cp: int) -> int:
        return len(text[:cp].encode("utf-8"))

    starts = {s for s, _ in events}
    ends = {e for _, e in events}
    for m in rule.regex.finditer(lower_ascii(text) if rule.lowercase else text):
        if rule.anchor is not None:
            start = offset(m.start())
            if start not in starts and start - 1 not in starts:
                return False
        else:
            end = offset(m.end())
            if end not in ends and offset(m.end() + 1) not in ends:
                return False
    return True
