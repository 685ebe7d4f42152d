# ruff: noqa: RUF001, RUF002 (the homoglyphs are the point)
"""Unicode folding before detection, with a map from folded offsets back to the original text.

The rules scan a *folded* copy of the text, so that detection survives the usual disguises:

- invisible characters (zero-width spaces and joiners, bidi controls, soft hyphens, variation
  selectors, tags) and combining diacritical marks are deleted;
- exotic spaces (no-break, em, ideographic, ...) become a plain space;
- fullwidth forms, mathematical alphanumerics and enclosed letters become ASCII
  (`ｉｇｎｏｒｅ`, `𝐢𝐠𝐧𝐨𝐫𝐞`, `ⓘⓖⓝⓞⓡⓔ` -> `ignore`);
- where non-ASCII letters meet Latin ones (a stretch of a line with non-ASCII characters no
  more than 256 characters apart, in which a Latin letter touches another letter, or which has
  accented Latin letters), letters are folded to their ASCII look-alikes: Cyrillic and Greek
  homoglyphs (`іgnоrе` with Cyrillic і, о, е), accented letters (`ignóre`, `précédentes` ->
  `precedentes`), dotless ı; other letters of those scripts are lower-cased. Text wholly in
  another script (Russian, Greek, Chinese) is left as it is; rules for such scripts match both
  spellings (see `injection.rules.words`).

ASCII letter case is not folded: rules that ignore case say so (the injection rules run on
the folded text with its ASCII letters lower-cased, `lower_ascii`). Folding never inserts
characters and maps each kept character to exactly one, so the only change of length is a
deletion; `Folded.start`/`Folded.end` map a folded span back to code-point offsets into the
original text. Pure ASCII text, the common case, is returned as it is, without a copy.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

# --- the tables ----------------------------------------------------------------------------------

_DELETED_RANGES = (
    (0x00AD, 0x00AD),  # soft hyphen
    (0x034F, 0x034F),  # combining grapheme joiner
    (0x061C, 0x061C),  # Arabic letter mark
    (0x115F, 0x1160),  # Hangul fillers
    (0x17B4, 0x17B5),
    (0x180B, 0x180F),  # Mongolian variation selectors, vowel separator
    (0x200B, 0x200F),  # zero-width space, non-joiner, joiner, LRM, RLM
    (0x202A, 0x202E),  # bidi embeddings and overrides
    (0x2060, 0x2064),  # word joiner, invisible operators
    (0x2066, 0x206F),  # bidi isolates, deprecated format characters
    (0x3164, 0x3164),  # Hangul filler
    (0xFE00, 0xFE0F),  # variation selectors
    (0xFEFF, 0xFEFF),  # zero-width no-break space (BOM)
    (0xFFA0, 0xFFA0),
    (0x0300, 0x036F),  # combining diacritical marks
    (0x1AB0, 0x1AFF),
    (0x1DC0, 0x1DFF),
    (0x20D0, 0x20FF),
    (0xFE20, 0xFE2F),
    (0xE0000, 0xE007F),  # tags
)
_SPACES = (0x00A0, 0x1680, *range(0x2000, 0x200B), 0x2028, 0x2029, 0x202F, 0x205F, 0x3000)
# Blocks folded wherever they appear: fullwidth ASCII, enclosed and mathematical alphanumerics.
_ALWAYS_RANGES = ((0xFF01, 0xFF5E), (0x2460, 0x24FF), (0x1D400, 0x1D7FF), (0x1F100, 0x1F1FF))
# Blocks folded inside a word that also has ASCII letters.
_MIXED_RANGES = (
    (0x00C0, 0x024F),  # Latin-1 letters, Latin Extended-A and -B
    (0x0250, 0x02AF),  # IPA
    (0x0370, 0x052F),  # Greek, Cyrillic, Cyrillic Supplement
    (0x0530, 0x058F),  # Armenian
    (0x1E00, 0x1FFF),  # Latin Extended Additional, Greek Extended
    (0x2100, 0x214F),  # letterlike symbols
)
# Homoglyphs NFKD does not know: look-alikes of ASCII letters in other scripts.
CONFUSABLES = {
    # Cyrillic
    "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x", "ѕ": "s",
    "і": "i", "ј": "j", "һ": "h", "ԁ": "d", "ԛ": "q", "ԝ": "w", "ӏ": "l", "к": "k", "ү": "y",
    "т": "t", "м": "m", "п": "n", "г": "r",
    "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P",
    "С": "C", "Т": "T", "Х": "X", "У": "Y", "Ѕ": "S", "І": "I", "Ј": "J", "Һ": "H",
    "Ԛ": "Q", "Ԝ": "W", "Ӏ": "I",
    # Greek
    "α": "a", "ο": "o", "ρ": "p", "ν": "v", "ι": "i", "κ": "k", "υ": "u", "χ": "x", "ε": "e",
    "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M",
    "Ν": "N", "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X",
    # Latin and Armenian look-alikes
    "ı": "i", "ɑ": "a", "ɡ": "g", "ɩ": "i", "ł": "l", "ø": "o", "đ": "d", "ħ": "h",
    "օ": "o", "ս": "u", "հ": "h",
}  # fmt: skip


def _nfkd_base(ch: str) -> str:
    """`ch` without its compatibility decoration and diacritics, if that is one character."""
    decomposed = unicodedata.normalize("NFKD", ch)
    base = "".join(c for c in decomposed if not unicodedata.combining(c))
    return base if len(base) == 1 else ch


def _fold_char(ch: str) -> str:
    folded = CONFUSABLES.get(ch) or _nfkd_base(ch)
    if not folded.isascii():
        lowered = folded.lower()
        folded = lowered if len(lowered) == 1 else folded
        folded = CONFUSABLES.get(folded, folded)
    return folded


def _build_tables() -> tuple[dict[int, int | None], dict[int, int | None]]:
    always: dict[int, int | None] = {}
    for lo, hi in _DELETED_RANGES:
        for cp in range(lo, hi + 1):
            always[cp] = None
    for cp in _SPACES:
        always[cp] = ord(" ")
    for lo, hi in _ALWAYS_RANGES:
        for cp in range(lo, hi + 1):
            base = _nfkd_base(chr(cp))
            if base != chr(cp) and base.isascii() and base.isprintable():
                always[cp] = ord(base)
    mixed = dict(always)
    for lo, hi in _MIXED_RANGES:
        for cp in range(lo, hi + 1):
            if cp in mixed:
                continue
            folded = _fold_char(chr(cp))
            if folded != chr(cp):
                mixed[cp] = ord(folded)
    return always, mixed


ALWAYS_TABLE, MIXED_TABLE = _build_tables()
_FOLDED = {chr(k): "" if v is None else chr(v) for k, v in MIXED_TABLE.items()}


def _char_class(code_points: list[int]) -> str:
    """A regex character class body for the code points, as ranges."""
    ranges: list[list[int]] = []
    for cp in sorted(code_points):
        if ranges and cp == ranges[-1][1] + 1:
            ranges[-1][1] = cp
        else:
            ranges.append([cp, cp])
    return "".join(f"\\U{lo:08x}" if lo == hi else f"\\U{lo:08x}-\\U{hi:08x}" for lo, hi in ranges)


class _CharSet:
    """Finds characters of a set. A class of astral characters makes `re` slow on every
    character, so the set is two patterns: its BMP part, and its astral part, tried only when
    the text has an astral character at all."""

    _ASTRAL = re.compile("[\\U00010000-\\U0010ffff]")

    def __init__(self, code_points: list[int]) -> None:
        self.bmp = re.compile(f"[{_char_class([c for c in code_points if c < 0x10000])}]")
        self.astral = re.compile(f"[{_char_class([c for c in code_points if c >= 0x10000])}]")

    def search(self, text: str, start: int, end: int) -> bool:
        if self.bmp.search(text, start, end) is not None:
            return True
        return (
            self._ASTRAL.search(text, start, end) is not None
            and self.astral.search(text, start, end) is not None
        )

    def positions(self, text: str, start: int, end: int) -> list[int]:
        found = [m.start() for m in self.bmp.finditer(text, start, end)]
        if self._ASTRAL.search(text, start, end) is not None:
            found = sorted(found + [m.start() for m in self.astral.finditer(text, start, end)])
        return found

    def sub(self, repl: Callable[[re.Match[str]], str], text: str) -> str:
        text = self.bmp.sub(repl, text)
        if self._ASTRAL.search(text) is not None:
            text = self.astral.sub(repl, text)
        return text


# Non-ASCII text is found in the UTF-8 bytes: `bytes.find` is far faster than a regex.
_HIGH_BYTES = bytes(0 if b < 0x80 else 1 for b in range(256))
_CONTINUATION_BYTES = bytes(range(0x80, 0xC0))
_ASCII_STRETCH = bytes(256)  # this many ASCII characters in a row end a stretch
_ALWAYS_CHARS = _CharSet(list(ALWAYS_TABLE))
_FOLDABLE_CHARS = _CharSet(list(MIXED_TABLE))
_ASCII_LETTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
_ASTRAL = re.compile("[\\U00010000-\\U0010ffff]")
# What makes a stretch need folding: a Latin letter touching a non-ASCII character, a Latin
# letter beyond ASCII, or a character folded wherever it is. Each pattern starts with a class
# `re` can skip to quickly, so that text in another script is passed over fast.
_MIXED_SCRIPT = re.compile(r"[A-Za-z](?:(?=[^\x00-\x7f])|(?<=[^\x00-\x7f][A-Za-z]))")
_LATIN_EXTENDED = re.compile("[\\u00c0-\\u024f\\u1e00-\\u1eff]")
_FOLDABLE_BMP_RUN = re.compile(f"[{_char_class([c for c in MIXED_TABLE if c < 0x10000])}]+")
_FOLDABLE_RUN = re.compile(f"[{_char_class(list(MIXED_TABLE))}]+")
_DELETED = frozenset(chr(c) for c, v in ALWAYS_TABLE.items() if v is None)
_DELETED_RUN = re.compile(f"[{_char_class([ord(c) for c in _DELETED])}]+")


def lower_ascii(text: str) -> str:
    """`text` with its ASCII letters lower-cased (other letters as they are); fast: through
    UTF-8, where bytes of ASCII letters never occur inside another character."""
    if text.isascii():
        return text.lower()
    return text.encode("utf-8", "surrogatepass").lower().decode("utf-8", "surrogatepass")


def fold_chars(text: str) -> str:
    """Every foldable character of `text` folded, whatever its surroundings (see `fold`)."""
    return _FOLDABLE_CHARS.sub(lambda m: _FOLDED[m[0]], text)


# --- folding -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Folded:
    """The folded text, and where its characters came from in the original."""

    text: str
    original: str
    # The deleted characters as runs: for each run, the folded offset where it was (its
    # original start minus the characters deleted before it) and how many characters have
    # been deleted up to its end.
    _at: tuple[int, ...] = field(default=(), repr=False)
    _deleted: tuple[int, ...] = field(default=(), repr=False)

    def _original_index(self, i: int) -> int:
        if not self._at:
            return i
        k = bisect.bisect_right(self._at, i)
        return i + self._deleted[k - 1] if k else i

    def start(self, i: int) -> int:
        """The original offset of folded offset `i` (a span's start)."""
        return self._original_index(i)

    def end(self, i: int) -> int:
        """The original offset just past folded offset `i - 1` (a span's exclusive end)."""
        return self._original_index(i - 1) + 1 if i > 0 else 0


def _non_ascii_stretches(text: str) -> tuple[bytes, list[tuple[int, int, int, int]]]:
    """The UTF-8 bytes of `text`, and the stretches of it with non-ASCII characters, each from
    a non-ASCII character to the end of its line or the next run of ASCII characters as long
    as `_ASCII_STRETCH`: (byte start, byte end, code-point start, code-point end)."""
    data = text.encode("utf-8", "surrogatepass")
    high = data.translate(_HIGH_BYTES)
    stretches: list[tuple[int, int, int, int]] = []
    byte_pos = char_pos = 0  # a byte offset and the code-point offset it is at

    def to_char(b: int) -> int:
        nonlocal byte_pos, char_pos
        char_pos += len(data[byte_pos:b].translate(None, _CONTINUATION_BYTES))
        byte_pos = b
        return char_pos

    start = high.find(1)
    while start >= 0:
        end = high.find(_ASCII_STRETCH, start)
        end = len(data) if end < 0 else end
        newline = data.find(b"\n", start, end)
        end = newline if newline >= 0 else end
        stretches.append((start, end, to_char(start), to_char(end)))
        start = high.find(1, end)
    return data, stretches


# Byte-level tests (fast) that rule out the slower regex ones: the stretch has no ASCII letter,
# no lead byte of a Latin letter beyond ASCII, no lead byte of a character folded anywhere.
_NOT_ASCII_LETTERS = bytes(b for b in range(256) if not chr(b).isalpha() or b >= 0x80)
_NOT_LATIN_LEADS = bytes(b for b in range(256) if not 0xC3 <= b <= 0xC9)
_ALWAYS_LEADS = frozenset(chr(c).encode("utf-8", "surrogatepass")[0] for c in ALWAYS_TABLE)
_NOT_ALWAYS_LEADS = bytes(b for b in range(256) if b not in _ALWAYS_LEADS)


def _needs_folding(text: str, data: bytes, stretch: tuple[int, int, int, int]) -> bool:
    """Whether a stretch has a Latin letter touching a non-ASCII character, a Latin letter
    beyond ASCII, or a character folded wherever it is."""
    b_start, b_end, s, e = stretch
    chunk = data[b_start:b_end]
    if chunk.translate(None, _NOT_LATIN_LEADS) and _LATIN_EXTENDED.search(text, s, e):
        return True
    if (s > 0 and text[s - 1] in _ASCII_LETTERS) or (e < len(text) and text[e] in _ASCII_LETTERS):
        return True
    if chunk.translate(None, _NOT_ASCII_LETTERS) and _MIXED_SCRIPT.search(text, s, e):
        return True
    return bool(chunk.translate(None, _NOT_ALWAYS_LEADS)) and _ALWAYS_CHARS.search(text, s, e)


def _fold_stretch(stretch: str, offset: int, deleted: list[tuple[int, int]]) -> str:
    """`stretch` folded; runs of deleted characters (original start, length) appended to
    `deleted`. Deletions go first, in one pass; then runs of foldable characters are folded a
    run at a time (`map` over a dict: fast even for a long run of one character)."""
    if not _DELETED.isdisjoint(stretch):
        for m in _DELETED_RUN.finditer(stretch):
            deleted.append((offset + m.start(), m.end() - m.start()))
        stretch = _DELETED_RUN.sub("", stretch)
    pattern = _FOLDABLE_BMP_RUN if _ASTRAL.search(stretch) is None else _FOLDABLE_RUN
    return pattern.sub(lambda m: "".join(map(_FOLDED.__getitem__, m[0])), stretch)


def fold(text: str) -> Folded:
    """The folded form of `text` (see the module docstring)."""
    if text.isascii():
        return Folded(text, text)
    pieces: list[str] = []
    deleted: list[tuple[int, int]] = []
    last = 0
    data, stretches = _non_ascii_stretches(text)
    for stretch in stretches:
        if not _needs_folding(text, data, stretch):
            continue  # another script, nothing disguised: left as it is
        s, e = stretch[2], stretch[3]
        pieces.append(text[last:s])
        pieces.append(_fold_stretch(text[s:e], s, deleted))
        last = e
    if not pieces:
        return Folded(text, text)
    pieces.append(text[last:])
    folded = "".join(pieces)
    if folded == text:
        return Folded(text, text)
    at: list[int] = []
    counts: list[int] = []
    total = 0
    for start, length in deleted:
        at.append(start - total)
        total += length
        counts.append(total)
    return Folded(folded, text, tuple(at), tuple(counts))
