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

import array
import bisect
import codecs
import functools
import itertools
import operator
import re
import unicodedata
from dataclasses import dataclass, field
from encodings import cp1252 as _cp1252_codec
from functools import cached_property

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


def _char_class(code_points: list[int]) -> str:
    """A regex character class body for the code points, as ranges."""
    ranges: list[list[int]] = []
    for cp in sorted(code_points):
        if ranges and cp == ranges[-1][1] + 1:
            ranges[-1][1] = cp
        else:
            ranges.append([cp, cp])
    return "".join(f"\\U{lo:08x}" if lo == hi else f"\\U{lo:08x}-\\U{hi:08x}" for lo, hi in ranges)


# Non-ASCII text is found in the UTF-8 bytes: `bytes.find` is far faster than a regex.
_CONTINUATION_BYTES = bytes(range(0x80, 0xC0))
_ASCII_STRETCH = bytes(256)  # this many ASCII characters in a row end a stretch
_DELETED_RUN = re.compile(  # captured: `split` keeps the runs
    f"([{_char_class([c for c, v in ALWAYS_TABLE.items() if v is None])}]+)"
)


def lower_ascii(text: str) -> str:
    """`text` with its ASCII letters lower-cased (other letters as they are); fast: through
    UTF-8, where bytes of ASCII letters never occur inside another character."""
    if text.isascii():
        return text.lower()
    return text.encode("utf-8", "surrogatepass").lower().decode("utf-8", "surrogatepass")


def fold_chars(text: str) -> str:
    """Every foldable character of `text` folded, whatever its surroundings (see `fold`)."""
    return text.translate(MIXED_TABLE)


# --- folding -------------------------------------------------------------------------------------


@dataclass(eq=False)  # not frozen: made for every text, where a frozen one costs more
class Folded:
    """The folded text, and where its characters came from in the original (read-only)."""

    text: str
    original: str
    # The folded text in UTF-8 (surrogates passed), when `fold` had it at hand.
    data: bytes | None = field(default=None, repr=False, compare=False)
    # Where characters were deleted: (the code-point offset in the original of a piece of it,
    # the piece: a `str`, or `bytes` in Windows-1252). Their runs are worked out when an offset
    # is first mapped back: most texts with deletions (zero-width characters, soft hyphens)
    # have no match, and a long one can have tens of thousands of runs.
    deletions: tuple[tuple[int, str | bytes], ...] = field(default=(), repr=False)

    @cached_property
    def _runs(self) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """For each run of deleted characters, the folded offset where it was (its original
        start minus the characters deleted before it), and how many characters have been
        deleted up to its end."""
        starts: list[int] = []
        lengths: list[int] = []
        for offset, piece in self.deletions:
            pattern = _CP1252_DELETED_RUN if isinstance(piece, bytes) else _DELETED_RUN
            # The split keeps the runs (kept, deleted, kept, ..., kept): C-level work, no
            # bytecode a run.
            parts = list(map(len, pattern.split(piece)))  # type: ignore[arg-type]
            ends = list(itertools.accumulate(parts, initial=offset))
            starts.extend(ends[1:-1:2])
            lengths.extend(parts[1::2])
        counts = tuple(itertools.accumulate(lengths))
        return tuple(map(operator.sub, starts, (0, *counts[:-1]))), counts

    def _original_index(self, i: int) -> int:
        if not self.deletions:
            return i
        at, counts = self._runs
        k = bisect.bisect_right(at, i)
        return i + counts[k - 1] if k else i

    def start(self, i: int) -> int:
        """The original offset of folded offset `i` (a span's start)."""
        return self._original_index(i)

    def end(self, i: int) -> int:
        """The original offset just past folded offset `i - 1` (a span's exclusive end)."""
        return self._original_index(i - 1) + 1 if i > 0 else 0


def _utf8_alternatives(code_points: list[int]) -> re.Pattern[bytes]:
    """A pattern of the UTF-8 encodings of the code points (by shared prefix: small)."""
    by_prefix: dict[bytes, list[int]] = {}
    for cp in sorted(code_points):
        encoded = chr(cp).encode("utf-8", "surrogatepass")
        by_prefix.setdefault(encoded[:-1], []).append(encoded[-1])
    alternatives = []
    for prefix, lasts in by_prefix.items():
        ranges: list[list[int]] = []
        for b in lasts:
            if ranges and b == ranges[-1][1] + 1:
                ranges[-1][1] = b
            else:
                ranges.append([b, b])
        body = "".join(f"\\x{lo:02x}-\\x{hi:02x}" for lo, hi in ranges)
        alternatives.append("".join(f"\\x{b:02x}" for b in prefix) + f"[{body}]")
    return re.compile("|".join(alternatives).encode("ascii"))


# Byte-level tests of a stretch's UTF-8, fast (no decoding, no regex over every character):
# - lead bytes of Latin letters beyond ASCII: U+00C0-U+023F (the common ones), then the rest
#   of `_LATIN_EXTENDED`;
# - an ASCII letter next to a non-ASCII byte (`_ADJACENT` maps letters to `a`, the bytes of
#   non-ASCII characters to `n`): a Latin letter touching another script;
# - a character folded wherever it is (its lead byte first, then the pattern).
_NOT_LATIN_LEADS = bytes(b for b in range(256) if not 0xC3 <= b <= 0xC8)
_OTHER_LATIN = re.compile(rb"\xc9[\x80-\x8f]|\xe1[\xb8-\xbb]")
_ADJACENT = bytes(
    ord("a") if chr(b).isalpha() and b < 0x80 else ord("n") if b >= 0x80 else ord(".")
    for b in range(256)
)
_ALWAYS_LEADS = frozenset(chr(c).encode("utf-8", "surrogatepass")[0] for c in ALWAYS_TABLE)
_NOT_ALWAYS_LEADS = bytes(b for b in range(256) if b not in _ALWAYS_LEADS)
_ALWAYS_UTF8 = _utf8_alternatives(list(ALWAYS_TABLE))

# Folding a stretch: most European text is in Windows-1252, whose codec (and `bytes.translate`)
# work in C; anything else goes through `str.translate` with a dict that knows the common code
# points (a code point it does not know costs a raised and caught `KeyError`).
_CP1252 = "cp1252"


def _cp1252_table() -> tuple[bytes, bytes]:
    table = bytearray(range(256))
    delete = bytearray()
    for b in range(0x80, 0x100):
        try:
            ch = bytes([b]).decode(_CP1252)
        except UnicodeDecodeError:
            continue
        target = MIXED_TABLE.get(ord(ch), ord(ch))
        if target is None:
            delete.append(b)
        else:
            table[b] = chr(target).encode(_CP1252)[0]
        # What `_fold_cp1252` relies on: what folding changes here makes its stretch folded.
        trigger = 0xC0 <= ord(ch) <= 0x24F or ord(ch) in ALWAYS_TABLE
        assert target == ord(ch) or trigger, f"U+{ord(ch):04X}"
    assert len(delete) == 1, delete
    return bytes(table), bytes(delete)


_CP1252_FOLD, _CP1252_DELETE = _cp1252_table()
# The codec's own tables, called straight (no codec lookup, no Python frame): Windows-1252
# bytes decoded as their folded characters (`_CP1252_FOLD` then decoding, in one table).
_CP1252_ENCODING = _cp1252_codec.encoding_table
_CP1252_DECODING = _cp1252_codec.decoding_table
_CP1252_FOLDED_DECODING = "".join(_cp1252_codec.decoding_table[b] for b in _CP1252_FOLD)
_charmap_encode = codecs.charmap_encode
_charmap_decode = codecs.charmap_decode
_CP1252_DELETED_RUN = re.compile(b"(" + re.escape(_CP1252_DELETE) + b"+)")
# The bytes of the UTF-8 of Windows-1252 characters: a chunk with another lead byte is not.
_CP1252_UTF8_BYTES = bytes(
    sorted(
        {b for b in range(0xC0)}
        | {
            bytes([b]).decode(_CP1252, "ignore").encode("utf-8")[0]
            for b in range(0x80, 0x100)
            if bytes([b]).decode(_CP1252, "ignore")
        }
    )
)
# Each byte of UTF-8 classified, in one pass over the text: 0 ASCII, 1 a byte of the UTF-8 of
# Windows-1252 characters beyond ASCII, 2 any other (the text cannot be Windows-1252).
_HIGH_CLASSES = bytes(0 if b < 0x80 else 1 if b in _CP1252_UTF8_BYTES else 2 for b in range(256))
_NOT_ASTRAL_LEADS = bytes(b for b in range(256) if b < 0xF0)
_FOLDABLE_BMP_RUN = re.compile(f"[{_char_class([c for c in MIXED_TABLE if c < 0x10000])}]+")
_FOLDABLE_RUN = re.compile(f"[{_char_class(list(MIXED_TABLE))}]+")


def _fold_cp1252(text: str, encoded: bytes, data: bytes) -> Folded:
    """`fold` of a text in Windows-1252, in one pass: every character of that code page that
    folding changes is a Latin letter beyond ASCII or one folded anywhere, which makes its
    stretch one that is folded; so folding every stretch is folding the right ones."""
    folded = encoded.translate(_CP1252_FOLD, _CP1252_DELETE)
    if folded == encoded:
        return Folded(text, text, data)
    # (the soft hyphen is the one deleted character)
    deletions = ((0, encoded),) if len(folded) != len(encoded) else ()
    return Folded(_charmap_decode(folded, "strict", _CP1252_DECODING)[0], text, None, deletions)


def _fold_chars_fast(stretch: str, chunk: bytes, cp1252: bool) -> str:
    """`stretch` (`chunk` in UTF-8) with every character of `MIXED_TABLE` folded (deleted
    ones too): through Windows-1252 when it can be (`cp1252`: it has only bytes of that
    code page's UTF-8), else a regex substitution of each run of foldable characters (a run
    is folded by `translate` with no dict miss)."""
    if cp1252:
        try:
            encoded = _charmap_encode(stretch, "strict", _CP1252_ENCODING)[0]
        except UnicodeEncodeError:
            pass
        else:
            kept = encoded.translate(None, _CP1252_DELETE)
            return _charmap_decode(kept, "strict", _CP1252_FOLDED_DECODING)[0]
    pattern = _FOLDABLE_RUN if chunk.translate(None, _NOT_ASTRAL_LEADS) else _FOLDABLE_BMP_RUN
    return pattern.sub(_fold_run, stretch)


def _fold_run(m: re.Match[str]) -> str:
    return m[0].translate(MIXED_TABLE)


def _next_high(high: bytes, start: int) -> int:
    """Where the next byte beyond ASCII is in `high` (`_HIGH_CLASSES`) from `start`, or -1."""
    one = high.find(1, start)
    two = high.find(2, start, one if one >= 0 else len(high))
    return two if two >= 0 else one


def fold_python(text: str) -> Folded:
    """The folded form of `text` (see the module docstring), in pure Python.

    Works on the UTF-8 bytes (which the scanner needs anyway): the stretches are found with
    `bytes.find`, tested with byte-level checks, and only the stretches that need folding are
    decoded; the folded text's UTF-8 comes with it (`Folded.data`)."""
    if text.isascii():
        return Folded(text, text)
    data = text.encode("utf-8", "surrogatepass")
    high = data.translate(_HIGH_CLASSES)
    if 2 not in high:  # could be Windows-1252: one pass
        try:
            return _fold_cp1252(text, _charmap_encode(text, "strict", _CP1252_ENCODING)[0], data)
        except UnicodeEncodeError:
            pass
    pieces: list[bytes] = []
    deletions: list[tuple[int, str | bytes]] = []
    last = 0  # bytes of `data` up to here are in `pieces`
    counted_byte = counted_char = 0  # a byte offset into `data` and its code-point offset
    start = _next_high(high, 0)
    while start >= 0:
        end = data.find(b"\n", start)  # the end of the line, or a long run of ASCII before it
        end = len(data) if end < 0 else end
        if end - start > len(_ASCII_STRETCH):
            run = high.find(_ASCII_STRETCH, start, end)
            end = run if run >= 0 else end
        chunk = data[start:end]
        needs = bool(chunk.translate(None, _NOT_LATIN_LEADS))
        if not needs:
            # (the byte before the stretch and the one after it count: they may touch it)
            adjacent = data[start - 1 if start else 0 : end + 1].translate(_ADJACENT)
            needs = (
                b"an" in adjacent
                or b"na" in adjacent
                or (
                    (b"\xc9" in chunk or b"\xe1" in chunk)
                    and _OTHER_LATIN.search(chunk) is not None
                )
                or (
                    bool(chunk.translate(None, _NOT_ALWAYS_LEADS))
                    and _ALWAYS_UTF8.search(chunk) is not None
                )
            )
        if needs:
            stretch = chunk.decode("utf-8", "surrogatepass")
            folded = _fold_chars_fast(stretch, chunk, high.find(2, start, end) < 0)
            if len(folded) != len(stretch):  # characters deleted: note where
                counted_char += len(data[counted_byte:start].translate(None, _CONTINUATION_BYTES))
                counted_byte = start
                deletions.append((counted_char, stretch))
            if folded != stretch:
                pieces.append(data[last:start])
                pieces.append(folded.encode("utf-8", "surrogatepass"))
                last = end
        start = _next_high(high, end)
    if not pieces:
        return Folded(text, text, data=data)
    pieces.append(data[last:])
    folded_data = b"".join(pieces)
    folded_text = folded_data.decode("utf-8", "surrogatepass")
    return Folded(folded_text, text, folded_data, tuple(deletions))


# --- the compiled folding ------------------------------------------------------------------------

# The version of `_native`'s calls and tables this code expects (`NATIVE_ABI` in _native.c): a
# build left from an older _native.c (`pip install -e .` not run again) is not used.
_NATIVE_ABI = 18

try:
    from octollm.reflex.detection import _native  # type: ignore[attr-defined]
except ImportError:  # not built: the pure-Python code, the same results
    _native = None
if getattr(_native, "ABI", None) != _NATIVE_ABI:
    _native = None

# The layout of `_native.fold`'s tables (see _native.c).
_NATIVE_TABLE_SIZE = 0x20000
_NATIVE_ALWAYS = 0x80000000
_NATIVE_DELETED = 0x40000000


@functools.cache
def _native_tables() -> tuple[bytes, bytes, bytes]:
    table = array.array("I", range(_NATIVE_TABLE_SIZE))
    high: list[int] = []
    always = bytearray(_NATIVE_TABLE_SIZE // 8)
    folded = bytearray(_NATIVE_TABLE_SIZE // 8)
    for cp, target in sorted(MIXED_TABLE.items()):
        value = (cp | _NATIVE_DELETED) if target is None else target
        if cp in ALWAYS_TABLE:
            value |= _NATIVE_ALWAYS
        if cp < _NATIVE_TABLE_SIZE:
            table[cp] = value
            folded[cp >> 3] |= 1 << (cp & 7)
            if cp in ALWAYS_TABLE:
                always[cp >> 3] |= 1 << (cp & 7)
        else:
            high.extend((cp, value))
    return table.tobytes(), array.array("I", high).tobytes(), bytes(always + folded)


_tables: tuple[bytes, bytes, bytes] | None = None


def _load_tables() -> tuple[bytes, bytes, bytes]:
    global _tables
    _tables = _native_tables()
    return _tables


def fold_native(text: str) -> Folded:
    """`fold_python`, compiled: the same folded text and offsets. Its deletions are noted as
    the whole original text: the deleted characters of a text are all deleted (each makes
    its stretch one that is folded), so its runs are where they are."""
    if text.isascii():
        return Folded(text, text)
    folded, deleted = _native.fold(text, *(_tables or _load_tables()))  # type: ignore[union-attr]
    if folded is text:
        return Folded(text, text)
    return Folded(folded, text, None, ((0, text),) if deleted else ())


NATIVE = _native is not None
fold = fold_native if NATIVE else fold_python
