"""Encoded payloads: candidates for base64 and hex, their decoding, and ROT13 rules.

A payload is reported (as `EncodedInstruction`) only when its decoded text, scanned again,
holds an injection; the decoded text must be readable (valid UTF-8, mostly printable, with
words), so hashes, identifiers and binary blobs cost a decode attempt and nothing else.
Payloads up to `MAX_PAYLOAD` characters are decoded; ROT13 needs no decoding: each rule marked
`rot13` also runs spelled in ROT13.
"""

from __future__ import annotations

import binascii
import re
import string
from dataclasses import dataclass

from octollm.reflex.detection.normalize import NATIVE
from octollm.reflex.detection.rules import Rule, Run

if NATIVE:
    from octollm.reflex.detection import _native  # type: ignore[attr-defined]

MAX_PAYLOAD = 4096


@dataclass(frozen=True, kw_only=True, eq=False)
class PayloadRule(Rule):
    kind: str = "payload"
    type: str = "EncodedInstruction"
    max_matches: int | None = 64
    encoding: str


_HEX = r"0-9A-Fa-f"

_TOKEN = r"A-Za-z0-9+/_\-"
_TOKEN_RUN = Run(_TOKEN, 20)

RULES: tuple[PayloadRule, ...] = (
    # base64, base64url or hex: which one is decided when decoding
    PayloadRule(
        name="payload.token",
        encoding="token",
        body=rf"[{_TOKEN}]{{20,{MAX_PAYLOAD}}}={{0,2}}",
        before=_TOKEN,
        after=_TOKEN + "=",
        anchor=_TOKEN_RUN.pattern,
        run=_TOKEN_RUN,
    ),
    PayloadRule(
        name="payload.hex_escaped",
        encoding="hex",
        body=rf"(?:\\x[{_HEX}]{{2}}){{12,{MAX_PAYLOAD // 4}}}",
        anchor=rf"\\x[{_HEX}]{{2}}\\x[{_HEX}]{{2}}",
    ),
)

_ENCODED = re.compile(r"[A-Za-z0-9+/_\-]{20,}={0,2}")
# ASCII control characters but tab, newline and carriage return: what is not printable
# (a byte of UTF-8 below 0x80 is always a character of its own).
_CONTROL_BYTES = bytes(b for b in range(0x80) if not (0x20 <= b <= 0x7E or b in b"\t\n\r"))


def _readable(raw: bytes) -> str | None:
    """The decoded text if it reads as text (words), or is itself encoded."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if len(text) < 8 or (" " not in text and not _ENCODED.fullmatch(text)):
        return None
    printable = len(text) - (len(raw) - len(raw.translate(None, _CONTROL_BYTES)))
    return text if printable >= 0.9 * len(text) else None


_URLSAFE = bytes.maketrans(b"-_", b"+/")


def _base64(payload: str, urlsafe: bool) -> bytes:
    """`base64.urlsafe_b64decode`, or `base64.b64decode(validate=True)`, of the payload padded
    (straight to `binascii`: this runs for every token that looks encoded)."""
    stripped = payload.rstrip("=")
    if len(stripped) % 4 == 1:
        stripped = stripped[:-1]
    padded = (stripped + "=" * (-len(stripped) % 4)).encode("ascii")
    if urlsafe:
        return binascii.a2b_base64(padded.translate(_URLSAFE))
    return binascii.a2b_base64(padded, strict_mode=True)


def decode(encoding: str, payload: str) -> str | None:
    """The readable text `payload` encodes, or None. A `token` is hex if it can be, else
    base64 (URL-safe when it has `-` or `_`)."""
    try:
        if encoding == "hex":
            return _readable(bytes.fromhex(payload.replace("\\x", "")))
        if len(payload) % 2 == 0 and not payload.strip(string.hexdigits):  # hex digits only
            decoded = _readable(bytes.fromhex(payload))
            if decoded is not None:
                return decoded
        urlsafe = "_" in payload or "-" in payload
        if urlsafe and ("+" in payload or "/" in payload):
            return None
        return _readable(_base64(payload, urlsafe))
    except (binascii.Error, ValueError):
        return None


def decode_native(encoding: str, payload: str) -> str | None:
    """`decode`, with the bytes it would decode made in C (`_native.payload_bytes`): those
    that are not UTF-8, most of them, are turned down there."""
    return decode_raws(encoding, payload, _native.payload_bytes(encoding, payload))


def decode_raws(encoding: str, payload: str, raws: list[bytes] | None) -> str | None:
    """`decode`, given what `_native.payload_bytes` makes of the payload."""
    if raws is None:  # not the plain case: `decode` decides
        return decode(encoding, payload)
    for raw in raws:
        text = _readable(raw)
        if text is not None:
            return text
    return None


# --- ROT13 ---------------------------------------------------------------------------------------

_ROT13 = str.maketrans(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
    "NOPQRSTUVWXYZABCDEFGHIJKLMnopqrstuvwxyzabcdefghijklm",
)


def rot13(pattern: str) -> str:
    """A rule body spelled in ROT13: the letters of its literals rotated, its syntax kept
    (escapes, group openers, quantifiers; `a-z`/`A-Z` ranges stay whole)."""
    out: list[str] = []
    i = 0
    in_class = False
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            out.append(pattern[i : i + 2])
            i += 2
            continue
        if not in_class and pattern.startswith("(?", i):
            end = i + 3
            if pattern.startswith("(?P<", i):
                end = pattern.index(">", i) + 1
            out.append(pattern[i:end])
            i = end
            continue
        if not in_class and ch == "{":
            end = pattern.index("}", i) + 1
            out.append(pattern[i:end])
            i = end
            continue
        if ch == "[" and not in_class:
            in_class = True
        elif ch == "]" and in_class:
            in_class = False
        elif in_class and pattern[i : i + 3] in ("a-z", "A-Z"):
            out.append(pattern[i : i + 3])
            i += 3
            continue
        elif in_class and ch.isalpha() and pattern[i + 1 : i + 2] == "-":
            raise ValueError(f"a letter range in a ROT13 rule: {pattern[i : i + 3]!r}")
        out.append(ch.translate(_ROT13))
        i += 1
    return "".join(out)
