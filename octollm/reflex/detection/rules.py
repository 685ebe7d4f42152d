"""A detection rule: one regular expression, in a dialect both scanner backends run identically.

Each rule is a Python `re` pattern (the reference semantics: `finditer` over the folded text)
and a Hyperscan expression derived from it that finds *where* the `re` pattern can match, so
the Hyperscan backend only runs `re` there and gets exactly the same matches
(see `scanner.py`). For that, a rule's `body` keeps to a dialect:

- ASCII semantics (`re.ASCII`): `\\w`, `\\d`, `\\s`, `\\b` and caseless matching mean what they
  mean in Hyperscan's byte mode;
- bounded: every quantifier has an upper bound, so a match is at most `width` characters long;
- no lookaround, backreference, `.`, `$`, negated class or `\\W`/`\\S`/`\\D`/`\\B` in the body
  (their byte-wise meaning differs); non-ASCII characters only as literals, outside classes.
  What must not precede or follow a match is said by `before`/`after` (character class bodies),
  which become lookarounds for `re` and consumed characters for Hyperscan;
- named groups are fine (`(?P<v>...)` marks the reported part of the match).

For Hyperscan, long bounded repeats are relaxed to unbounded ones (a superset that ends where
the rule's matches end, and much faster to compile). A rule whose matches are long (URLs,
encoded payloads) gives an `anchor` instead: a small expression that matches at (or one
character before) the start of every match; the Hyperscan backend then tries the `re`
pattern only at those starts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from octollm.reflex.detection.normalize import lower_ascii

MAX_WIDTH = 8192
RELAXED_REPEAT = 32  # bounded repeats up to this many are kept as they are for Hyperscan
# Whitespace and punctuation (ASCII, no letter or digit): those a rule's matches cannot contain
# are its `unspanned` characters; prose has one every few words.
STOPS = " \n\t.,;:!?\"'()[]{}<>|`"
_FORBIDDEN = re.compile(
    r"""\\[WSDBAZ1-9]  # negated shorthands, anchors, backreferences
    | \(\?[=!<](?!P?<)  # lookarounds (named groups are fine)
    | \(\?<[=!]
    | \[\^  # negated classes
    | (?<!\\)[.$]  # any-character and end anchors, unescaped
    """,
    re.VERBOSE,
)
_CLASS = re.compile(r"\[(?:\\.|[^\]\\])*\]")
_UNBOUNDED = re.compile(r"(?<!\\)(?:[*+]|\{\d*,\})")


def _check_body(name: str, body: str) -> None:
    without_classes = _CLASS.sub("C", body)
    if bad := _FORBIDDEN.search(without_classes.replace("\\.", "").replace("\\$", "")):
        raise ValueError(f"rule {name}: {bad.group()!r} is not in the rule dialect")
    for cls in _CLASS.findall(body):
        if not cls.isascii():
            raise ValueError(f"rule {name}: non-ASCII character in class {cls}")
        if cls.startswith("[^"):
            raise ValueError(f"rule {name}: negated class {cls}")
    if _UNBOUNDED.search(without_classes):
        raise ValueError(f"rule {name}: unbounded quantifier")


_REPEAT = re.compile(r"(\)?)\{(\d+),(\d+)\}")


def _relax(pattern: str, groups: bool, short: bool) -> str:
    r"""Bounded repeats made unbounded: a superset whose matches still end where the rule's
    matches end (the boundaries are kept). Always for long repeats (much cheaper for Hyperscan
    to compile); with `groups`, for repeated groups; with `short`, for every repeat with a
    lower bound of 0 or 1.

    Hyperscan 5.4 misses some matches of bounded repeats with a lower bound of 0 or 1 (found
    by tests/reflex/test_backends.py: `\bi[\s*_\-]{1,15}have ...` not found once it starts
    more than 15 bytes into the text); unbounded repeats are right. So repeats with a lower
    bound of 0 or 1 and an upper bound of 16 or more are always relaxed, and rules whose words
    are separated by such repeats relax them all (`relax_short`)."""

    def relaxed(m: re.Match[str]) -> str:
        low, high = int(m.group(2)), int(m.group(3))
        buggy = low <= 1 and (high >= 16 or short)
        if high < RELAXED_REPEAT and not buggy and not (groups and m.group(1)):
            return m.group()
        if low >= 2:
            return m.group(1) + f"{{{low},}}"
        return m.group(1) + ("*" if low == 0 else "+")

    return _REPEAT.sub(relaxed, pattern)


def _widen_single_letters(pattern: str) -> str:
    """One-letter words (`i` in `\\bi[\\s*_\\-]{1,15}have`) as `[a-z]`: a superset that keeps
    Hyperscan 5.4 off a path where it misses matches (tests/reflex/test_backends.py)."""
    out: list[str] = []
    i = 0
    in_class = False
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            out.append(pattern[i : i + 2])
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch.isascii() and ch.islower():
            before = "".join(out)[-3:]
            starts_word = (
                not before or before[-1] in "(|:" or before.endswith(("\\b", "]+", "]*", "]?", "}"))
            )
            ends_word = pattern[i + 1 : i + 2] in ("[", "'", "|", ")", "")
            if starts_word and ends_word:
                out.append("[a-z]")
                i += 1
                continue
        out.append(ch)
        i += 1
    return "".join(out)


def _hyperscan_literals(pattern: str) -> str:
    """Named groups made plain, non-ASCII characters as UTF-8 byte sequences (grouped when a
    quantifier follows)."""
    pattern = re.sub(r"\(\?P<\w+>", "(?:", pattern)
    out = []
    for i, ch in enumerate(pattern):
        if ch.isascii():
            out.append(ch)
            continue
        utf8 = "".join(f"\\x{b:02x}" for b in ch.encode("utf-8"))
        quantified = pattern[i + 1 : i + 2] in ("?", "*", "+", "{")
        out.append(f"(?:{utf8})" if quantified else utf8)
    return "".join(out)


def _can_consume(items: object, ch: str) -> bool:
    """Whether a parsed pattern can consume the ASCII character `ch`, not a letter (assertions
    consume nothing; what is not understood is taken to consume anything)."""
    c = re._constants  # type: ignore[attr-defined]
    for op, value in items:  # type: ignore[attr-defined]
        if op is c.LITERAL:
            found = chr(value) == ch
        elif op is c.IN:
            found = any(_class_item_takes(c, item, ch) for item in value)
        elif op is c.BRANCH:
            found = any(_can_consume(branch, ch) for branch in value[1])
        elif op is c.SUBPATTERN:
            found = _can_consume(value[3], ch)
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT):
            found = _can_consume(value[2], ch)
        else:
            found = op not in (c.ASSERT, c.ASSERT_NOT, c.AT)
        if found:
            return True
    return False


def _class_item_takes(c: Any, item: tuple[Any, Any], ch: str) -> bool:
    op, value = item
    if op is c.LITERAL:
        return bool(chr(value) == ch)
    if op is c.RANGE:
        return bool(value[0] <= ord(ch) <= value[1])
    if op is c.CATEGORY:  # with re.ASCII, as every rule is
        if value is c.CATEGORY_DIGIT:
            return ch.isdigit()
        if value is c.CATEGORY_WORD:
            return ch.isalnum() or ch == "_"
        if value is c.CATEGORY_SPACE:
            return ch in " \t\n\r\f\v"
    return True


@dataclass(frozen=True)
class Run:
    """An anchor of one kind: the start of every run of at least `length` characters of the
    ASCII character class `chars` (a class body). The Hyperscan backend finds these starts with
    a plain pass over the bytes instead of in its database, where such a pattern is the
    costliest kind (no literal to look for, and a class most text is made of: a quarter of the
    whole database's time); `pattern` is the same anchor as an expression."""

    chars: str
    length: int

    def __post_init__(self) -> None:
        if not self.chars.isascii():
            raise ValueError(f"run of [{self.chars}]: not an ASCII class")

    @cached_property
    def pattern(self) -> str:
        return rf"(?:^|[^{self.chars}])[{self.chars}]{{{self.length}}}"

    @cached_property
    def table(self) -> bytes:
        """256 bytes: 1 for a byte of the class, 0 for any other."""
        member = re.compile(f"[{self.chars}]")
        return bytes(bool(member.fullmatch(chr(b))) for b in range(128)) + bytes(128)


@dataclass(frozen=True, kw_only=True, eq=False)
class Rule:
    """A pattern and what it reports. Subclasses add what a kind of rule needs."""

    name: str
    kind: str
    type: str
    body: str
    before: str = ""
    after: str = ""
    not_after: str = ""  # a short pattern that must not follow (in `re` only; Hyperscan finds
    # a superset, which `re` then narrows)
    caseless: bool = False
    anchor: str | None = None
    run: Run | None = None  # the anchor, when it is a `Run` (then `anchor` is its pattern)
    # Let Hyperscan repeat groups without bound: fine where a match must end in a fixed word
    # (each end is reported once); not for rules whose repeated groups can end a match.
    relax_groups: bool = False
    relax_short: bool = False  # see `_relax`
    # Scan the text with its ASCII letters lower-cased, the rule lower-cased likewise: for `re`
    # much faster than ignoring case (letters of other scripts keep their case).
    lowercase: bool = False
    # Whether the Hyperscan expression keeps the `before` boundary. Leaving it out is a superset
    # (so always correct) and for some patterns much faster; a rule with an `after` boundary
    # still gets one report per token end, so leaving it out never floods.
    hyperscan_before: bool = True
    max_matches: int | None = None  # report at most this many matches
    # A Hyperscan expression to use instead of the body: it must match a suffix of every match
    # of the body (so it ends where the match ends); a cheaper superset.
    prefilter: str | None = None

    def __post_init__(self) -> None:
        _check_body(self.name, self.body)
        if self.lowercase and (self.caseless or "\\U" in self.body or "(?P" in self.body):
            raise ValueError(f"rule {self.name}: cannot be lower-cased")
        if self.width > MAX_WIDTH:
            raise ValueError(f"rule {self.name}: matches up to {self.width} characters")
        if self.run is not None and self.anchor != self.run.pattern:
            raise ValueError(f"rule {self.name}: its anchor is not its run's pattern")

    @cached_property
    def flags(self) -> int:
        return re.ASCII | re.MULTILINE | (re.IGNORECASE if self.caseless else 0)

    def _cased(self, pattern: str) -> str:
        return lower_ascii(pattern) if self.lowercase else pattern

    @cached_property
    def source(self) -> str:
        """The `re` pattern: the body between its lookarounds."""
        source = f"(?:{self._cased(self.body)})"
        if self.before:
            source = f"(?<![{self._cased(self.before)}])" + source
        if self.after:
            source += f"(?![{self._cased(self.after)}])"
        if self.not_after:
            source += f"(?!{self._cased(self.not_after)})"
        return source

    @cached_property
    def regex(self) -> re.Pattern[str]:
        return re.compile(self.source, self.flags)

    @cached_property
    def width(self) -> int:
        """The most characters a match can span."""
        return re._parser.parse(self.source, self.flags).getwidth()[1]  # type: ignore[attr-defined]

    @cached_property
    def lookahead(self) -> int:
        """How far past a match's end its assertions look (at least one: `\\b`)."""
        if not self.not_after:
            return 1
        return max(1, re._parser.parse(self.not_after, self.flags).getwidth()[1])  # type: ignore[attr-defined]

    @cached_property
    def unspanned(self) -> str:
        """Of `STOPS`, those no match can contain: a match starts after the last one before
        its end, which narrows where the Hyperscan backend has to look."""
        parsed = re._parser.parse(self.body, self.flags)  # type: ignore[attr-defined]
        return "".join(ch for ch in STOPS if not _can_consume(parsed, ch))

    @cached_property
    def expression(self) -> bytes:
        """The Hyperscan expression: the anchor, or the body between consumed boundaries."""
        if self.anchor is not None:
            return _hyperscan_literals(self._cased(self.anchor)).encode("ascii")
        if self.prefilter is not None:
            expression = f"(?:{self._cased(self.prefilter)})"
            if self.after:
                expression += f"(?:[^{self._cased(self.after)}]|$)"
            return expression.encode("ascii")
        body = _relax(
            _hyperscan_literals(self._cased(self.body)), self.relax_groups, self.relax_short
        )
        if self.lowercase:
            body = _widen_single_letters(body)
        expression = f"(?:{body})"
        if self.before and (self.hyperscan_before or not self.after):
            expression = f"(?:^|[^{self._cased(self.before)}])" + expression
        if self.after:
            expression += f"(?:[^{self._cased(self.after)}]|$)"
        return expression.encode("ascii")

    @cached_property
    def value_group(self) -> str | int:
        """The group of a match that is reported: `v` when the pattern has one."""
        return "v" if "v" in self.regex.groupindex else 0
