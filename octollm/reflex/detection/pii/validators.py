"""Validators of PII candidates: checksums and format rules.

Each takes the candidate (folded text) and up to 40 characters of text before and after it, and
returns a confidence factor (1.0: as confident as the rule says; less for a weaker candidate)
or None when the candidate is not what the rule is after.
"""

from __future__ import annotations

import functools
import hashlib
import ipaddress
import math
import re
import zlib
from collections import Counter
from collections.abc import Callable

Validator = Callable[[str, str, str], float | None]

_NOT_DIGIT = re.compile(r"\D")
_SERIES = re.compile(r"\s*(?:,|and|&)\s*[-+]?[0-9]")
# An operator between numbers: `123-45-6789 = -6711`, `x = 2 * 123-45-6789`.
_ARITHMETIC_AFTER = re.compile(r"\s*[=+*/<>]\s*[-+(0-9]")
_ARITHMETIC_BEFORE = re.compile(r"[0-9)]\s*[=+*/<>]\s*$")


def always(_value: str, _before: str, _after: str) -> float | None:
    return 1.0


# --- payment cards -------------------------------------------------------------------------------


_DOUBLED = (0, 2, 4, 6, 8, 1, 3, 5, 7, 9)


def luhn_valid(digits: str) -> bool:
    return (sum(map(int, digits[-1::-2])) + sum(_DOUBLED[int(d)] for d in digits[-2::-2])) % 10 == 0


# (first digits, lowest, highest) of issuer identification ranges, with the lengths they issue.
_CARD_RANGES: tuple[tuple[int, int, tuple[int, ...]], ...] = (
    (4, 4, (13, 16, 19)),  # Visa
    (51, 55, (16,)),  # Mastercard
    (2221, 2720, (16,)),  # Mastercard 2-series
    (34, 34, (15,)),  # American Express
    (37, 37, (15,)),
    (6011, 6011, (16, 17, 18, 19)),  # Discover
    (644, 649, (16, 17, 18, 19)),
    (65, 65, (16, 17, 18, 19)),
    (3528, 3589, (16, 17, 18, 19)),  # JCB
    (300, 305, (14, 15, 16, 17, 18, 19)),  # Diners Club
    (36, 36, (14, 15, 16, 17, 18, 19)),
    (38, 39, (16, 17, 18, 19)),
    (62, 62, (16, 17, 18, 19)),  # UnionPay
    (50, 50, (12, 13, 14, 15, 16, 17, 18, 19)),  # Maestro
    (56, 58, (12, 13, 14, 15, 16, 17, 18, 19)),
    (67, 67, (12, 13, 14, 15, 16, 17, 18, 19)),
)


def _issued(digits: str) -> bool:
    for lo, hi, lengths in _CARD_RANGES:
        prefix = int(digits[: len(str(lo))])
        if lo <= prefix <= hi and len(digits) in lengths:
            return True
    return False


@functools.lru_cache(maxsize=4096)
def _card_number(digits: str) -> bool:
    return len(set(digits)) > 1 and _issued(digits) and luhn_valid(digits)


def card(value: str, _before: str, _after: str) -> float | None:
    return 1.0 if _card_number(value.replace(" ", "").replace("-", "")) else None


# --- US Social Security numbers ------------------------------------------------------------------

_NOT_ISSUED_SSNS = {"078051120", "219099999"}  # published in advertising, never valid


def ssn_number(digits: str) -> bool:
    area, group, serial = digits[:3], digits[3:5], digits[5:]
    return (
        area not in {"000", "666"}
        and not area.startswith("9")
        and group != "00"
        and serial != "0000"
        and digits not in _NOT_ISSUED_SSNS
    )


_SSN_KEYWORD = re.compile(r"(?:ssn|social\s+security|ss#)", re.IGNORECASE)


def ssn(value: str, before: str, after: str) -> float | None:
    if _ARITHMETIC_AFTER.match(after) or _ARITHMETIC_BEFORE.search(before):
        return None  # 123-45-6789 = -6711: arithmetic
    separators = {value[3], value[6]}
    if len(separators) != 1 or not ssn_number(value[:3] + value[4:6] + value[7:]):
        return None
    if separators == {" "}:  # 123 45 6789 only next to the word
        return 0.9 if _SSN_KEYWORD.search(before) else None
    return 1.0


def ssn_digits(value: str, _before: str, _after: str) -> float | None:
    return 1.0 if ssn_number(value) else None


# --- phone numbers -------------------------------------------------------------------------------


def phone(value: str, _before: str, _after: str) -> float | None:
    digits = _NOT_DIGIT.sub("", value)
    if value.startswith(("+", "00")):
        national = digits[2:] if value.startswith("00") else digits
        return 1.0 if 8 <= len(national) <= 15 and len(set(digits)) > 2 else None
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    if len(digits) == 10:
        # North American numbering: the area code does not start with 0 or 1.
        return 1.0 if digits[0] not in "01" and len(set(digits)) > 2 else None
    return None


def phone_national(value: str, _before: str, _after: str) -> float | None:
    """A number dialled with a trunk 0 (UK, France, Germany, ...): 10 or 11 digits."""
    digits = _NOT_DIGIT.sub("", value)
    return 0.9 if 10 <= len(digits) <= 11 and len(set(digits)) > 2 else None


# --- network addresses ---------------------------------------------------------------------------

_NOT_AN_ADDRESS = re.compile(
    r"(?<![A-Za-z])(?:version|ver\.?|v|release|rel\.?|build|rev\.?|revision|section|sect?\.?|chapter|ch\.?|"
    r"clause|figure|fig\.?|table|step|rule|paragraph|para\.?|item|appendix|article|art\.?|"
    r"§|no\.?|number|oid|sku|part)\s*[:#]?\s*$",
    re.IGNORECASE,
)


_LONGEST_LABEL = 9  # the longest word `_NOT_AN_ADDRESS` knows: "paragraph"


def _not_an_address(before: str) -> bool:
    """Whether `_NOT_AN_ADDRESS.search(before)` finds a match, searched only where one can
    start: its word ends where the spaces (and the one `:` or `#`) at the end of `before`
    begin, as no word ends in those, so it starts at most `_LONGEST_LABEL` characters before
    (the lookbehind still sees the text before the search)."""
    end = len(before.rstrip())
    if end and before[end - 1] in ":#":
        end = len(before[: end - 1].rstrip())
    return _NOT_AN_ADDRESS.search(before, max(0, end - _LONGEST_LABEL)) is not None


def ipv4(value: str, before: str, _after: str) -> float | None:
    octets = value.split(".")
    if not all(o == "0" or (not o.startswith("0") and int(o) <= 255) for o in octets):
        return None
    if _not_an_address(before):
        return None
    return 1.0


def ipv6(value: str, before: str, _after: str) -> float | None:
    address = value.split("%", 1)[0]
    try:
        ipaddress.IPv6Address(address)
    except ValueError:
        return None
    groups = [g for g in re.split(r"::?", address) if g]
    if address == "::1":
        return 0.8
    if len(groups) < 3 or _not_an_address(before):
        return None
    return 1.0


def mac(value: str, _before: str, _after: str) -> float | None:
    if "." in value:
        hexdigits = value.replace(".", "")
    else:
        if len(set(value[2::3])) != 1:  # one separator throughout
            return None
        hexdigits = value.replace(":", "").replace("-", "")
    if len(set(hexdigits.lower())) == 1:
        return 0.6  # 00:00:00:00:00:00, ff:ff:ff:ff:ff:ff
    if hexdigits.isdigit():
        return 0.7
    return 1.0


# --- bank accounts -------------------------------------------------------------------------------

IBAN_LENGTHS = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22,
    "BI": 27, "BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DJ": 27,
    "DK": 18, "DO": 28, "EE": 20, "EG": 29, "ES": 24, "FI": 18, "FK": 18, "FO": 18, "FR": 27,
    "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27, "GT": 28, "HR": 21, "HU": 28, "IE": 22,
    "IL": 23, "IQ": 23, "IS": 26, "IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LC": 32,
    "LI": 21, "LT": 20, "LU": 20, "LV": 21, "LY": 25, "MC": 27, "MD": 24, "ME": 22, "MK": 19,
    "MN": 20, "MR": 27, "MT": 31, "MU": 30, "NI": 28, "NL": 18, "NO": 15, "OM": 23, "PK": 24,
    "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "RU": 33, "SA": 24, "SC": 31,
    "SD": 18, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "SO": 23, "ST": 25, "SV": 28, "TL": 23,
    "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20,
}  # fmt: skip


def iban_valid(compact: str) -> bool:
    if IBAN_LENGTHS.get(compact[:2]) != len(compact):
        return False
    rearranged = compact[4:] + compact[:4]
    return int("".join(str(int(ch, 36)) for ch in rearranged)) % 97 == 1


def iban(value: str, _before: str, _after: str) -> float | None:
    return 1.0 if iban_valid(value.replace(" ", "")) else None


def aba_routing(value: str, _before: str, _after: str) -> float | None:
    d = [int(c) for c in value]
    checksum = 3 * (d[0] + d[3] + d[6]) + 7 * (d[1] + d[4] + d[7]) + (d[2] + d[5] + d[8])
    return 1.0 if checksum % 10 == 0 and len(set(value)) > 1 else None


def bank_account(value: str, _before: str, _after: str) -> float | None:
    digits = _NOT_DIGIT.sub("", value)
    return 1.0 if 6 <= len(digits) <= 17 and len(set(digits)) > 1 else None


def sort_code(value: str, _before: str, _after: str) -> float | None:
    return 0.9 if len(set(value.replace("-", ""))) > 1 else None


# --- documents -----------------------------------------------------------------------------------


def _id_number(value: str, min_digits: int) -> bool:
    compact = value.replace("-", "").replace(" ", "")
    digits = sum(c.isdigit() for c in compact)
    return digits >= min_digits and compact == compact.upper() and len(set(compact)) > 2


def passport(value: str, _before: str, _after: str) -> float | None:
    return 1.0 if _id_number(value, 4) else None


def _mrz_check(field: str) -> str:
    weights = (7, 3, 1)
    total = 0
    for i, ch in enumerate(field):
        v = 0 if ch == "<" else int(ch) if ch.isdigit() else ord(ch) - 55
        total += v * weights[i % 3]
    return str(total % 10)


def passport_mrz(value: str, _before: str, _after: str) -> float | None:
    """The second line of a passport's machine-readable zone: number, check digit."""
    lines = value.split()
    line = lines[-1]
    return 1.0 if _mrz_check(line[:9]) == line[9] else 0.7


def driver_license(value: str, _before: str, _after: str) -> float | None:
    return 1.0 if _id_number(value, 4) and len(value.replace("-", "")) >= 5 else None


_VIN_VALUES = {
    **{str(d): d for d in range(10)},
    **dict(zip("ABCDEFGH", range(1, 9), strict=True)),
    **dict(zip("JKLMN", range(1, 6), strict=True)),
    "P": 7, "R": 9,
    **dict(zip("STUVWXYZ", range(2, 10), strict=True)),
}  # fmt: skip
_VIN_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)
_VIN_KEYWORD = re.compile(r"\bvin\b|vehicle\s+identification|chassis", re.IGNORECASE)


def vin_check_digit(vin: str) -> str:
    total = sum(_VIN_VALUES[c] * w for c, w in zip(vin, _VIN_WEIGHTS, strict=True))
    return "X" if total % 11 == 10 else str(total % 11)


def vin(value: str, before: str, _after: str) -> float | None:
    letters = sum(c.isalpha() for c in value)
    digits = sum(c.isdigit() for c in value)
    if letters < 2 or digits < 3 or not value[-4:].isdigit():
        return None  # a VIN ends in a serial number of digits
    if vin_check_digit(value) == value[8]:
        return 1.0
    # Vehicles outside North America need not carry a check digit: only next to the word.
    return 0.7 if _VIN_KEYWORD.search(before) else None


# --- coordinates ---------------------------------------------------------------------------------

_GEO_KEYWORD = re.compile(
    r"(?:lat(?:itude)?|lon(?:gitude)?|lng|coord(?:inate)?s?|gps|location|position|located)"
    r"[^.\n]{0,20}$",
    re.IGNORECASE,
)


def coordinates(value: str, before: str, after: str) -> float | None:
    if _SERIES.match(after):
        return None  # 12.3456, 78.9012 and 34.5678: a series of numbers, not a place
    lat_text, lon_text = (p.strip() for p in value.split(",", 1))
    lat, lon = float(lat_text), float(lon_text)
    if abs(lat) > 90 or abs(lon) > 180:
        return None
    if _GEO_KEYWORD.search(before):
        return 1.0
    if abs(lat) < 1 and abs(lon) < 1:
        return None  # 0.9712, 0.9645: scores, not a place in the Gulf of Guinea
    return 0.9


def coordinates_dms(_value: str, _before: str, _after: str) -> float | None:
    return 1.0


# --- secrets -------------------------------------------------------------------------------------

_PLACEHOLDER = re.compile(
    r"your|example|sample|placeholder|changeme|dummy|redacted|xxxx|\*\*\*|<|>|\$\{|\{\{|"
    r"abcdef|123456|test_?key|secret_?key|api_?key|token|password",
    re.IGNORECASE,
)


def entropy(value: str) -> float:
    counts = Counter(value)
    return -sum(c / len(value) * math.log2(c / len(value)) for c in counts.values())


def secret(value: str, _before: str, _after: str) -> float | None:
    """A secret after a keyword: random-looking, not a placeholder or a word."""
    if _PLACEHOLDER.search(value):
        return None
    classes = sum(
        (any(c.islower() for c in value), any(c.isupper() for c in value),
         any(c.isdigit() for c in value))
    )  # fmt: skip
    if classes < 2 or entropy(value) < 3.0:
        return None
    return 1.0


def prefixed_secret(value: str, _before: str, _after: str) -> float | None:
    """A secret recognised by its prefix: the rest must still look random."""
    tail = value.split("_")[-1] if "_" in value else value
    return 1.0 if entropy(tail) >= 3.0 and not _PLACEHOLDER.search(tail) else None


_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def _base62(number: int, width: int) -> str:
    out = ""
    while number:
        number, r = divmod(number, 62)
        out = _BASE62[r] + out
    return out.rjust(width, "0")


def github_token(value: str, _before: str, _after: str) -> float | None:
    """Classic GitHub tokens end with the base-62 CRC32 of the rest: checked when present."""
    if value.startswith("github_pat_"):
        return 1.0
    body = value[4:]
    if len(body) == 36 and _base62(zlib.crc32(body[:30].encode()), 6) == body[30:]:
        return 1.0
    return 0.9 if entropy(body) >= 3.5 else None


def aws_key_id(value: str, _before: str, _after: str) -> float | None:
    return 1.0 if len(set(value[4:])) > 4 else None


# --- cryptocurrency addresses --------------------------------------------------------------------

_BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def _base58_decode(value: str) -> bytes | None:
    number = 0
    for ch in value:
        index = _BASE58.find(ch)
        if index < 0:
            return None
        number = number * 58 + index
    raw = number.to_bytes((number.bit_length() + 7) // 8, "big")
    return b"\x00" * (len(value) - len(value.lstrip("1"))) + raw


def bitcoin_base58(value: str, _before: str, _after: str) -> float | None:
    raw = _base58_decode(value)
    if raw is None or len(raw) != 25 or raw[0] not in (0x00, 0x05):
        return None
    checksum = hashlib.sha256(hashlib.sha256(raw[:-4]).digest()).digest()[:4]
    return 1.0 if checksum == raw[-4:] else None


_BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"


_BECH32_GENERATOR = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)
# What the top five bits of the checksum add, for each value of them: one XOR a step.
_BECH32_TOP = tuple(
    functools.reduce(
        lambda acc, i: acc ^ (_BECH32_GENERATOR[i] if (top >> i) & 1 else 0), range(5), 0
    )
    for top in range(32)
)
_BECH32_VALUES = {c: i for i, c in enumerate(_BECH32)}


def _bech32_polymod(values: list[int]) -> int:
    checksum = 1
    for v in values:
        checksum = (checksum & 0x1FFFFFF) << 5 ^ v ^ _BECH32_TOP[checksum >> 25]
    return checksum


def bitcoin_bech32(value: str, _before: str, _after: str) -> float | None:
    if value.lower() != value and value.upper() != value:
        return None
    lowered = value.lower()
    hrp, _, data = lowered.rpartition("1")
    if hrp not in ("bc", "tb") or len(data) < 6:
        return None
    values = [_BECH32_VALUES[c] for c in data]
    expanded = [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]
    checksum = _bech32_polymod(expanded + values)
    # bech32 (segwit v0) or bech32m (taproot and later)
    return 1.0 if checksum in (1, 0x2BC830A3) else None


_KECCAK_ROUND_CONSTANTS = (
    0x0000000000000001, 0x0000000000008082, 0x800000000000808A, 0x8000000080008000,
    0x000000000000808B, 0x0000000080000001, 0x8000000080008081, 0x8000000000008009,
    0x000000000000008A, 0x0000000000000088, 0x0000000080008009, 0x000000008000000A,
    0x000000008000808B, 0x800000000000008B, 0x8000000000008089, 0x8000000000008003,
    0x8000000000008002, 0x8000000000000080, 0x000000000000800A, 0x800000008000000A,
    0x8000000080008081, 0x8000000000008080, 0x0000000080000001, 0x8000000080008008,
)  # fmt: skip
_KECCAK_ROTATIONS = (
    (0, 36, 3, 41, 18), (1, 44, 10, 45, 2), (62, 6, 43, 15, 61),
    (28, 55, 25, 21, 56), (27, 20, 39, 8, 14),
)  # fmt: skip
_MASK64 = (1 << 64) - 1


def _rotl(x: int, n: int) -> int:
    return ((x << n) | (x >> (64 - n))) & _MASK64 if n else x


def _keccak_f(state: list[list[int]]) -> None:
    for rc in _KECCAK_ROUND_CONSTANTS:
        c = [state[x][0] ^ state[x][1] ^ state[x][2] ^ state[x][3] ^ state[x][4] for x in range(5)]
        d = [c[(x - 1) % 5] ^ _rotl(c[(x + 1) % 5], 1) for x in range(5)]
        for x in range(5):
            for y in range(5):
                state[x][y] ^= d[x]
        b = [[0] * 5 for _ in range(5)]
        for x in range(5):
            for y in range(5):
                b[y][(2 * x + 3 * y) % 5] = _rotl(state[x][y], _KECCAK_ROTATIONS[x][y])
        for x in range(5):
            for y in range(5):
                state[x][y] = b[x][y] ^ (~b[(x + 1) % 5][y] & b[(x + 2) % 5][y])
        state[0][0] ^= rc


def keccak256(data: bytes) -> bytes:
    """Keccak-256 as Ethereum uses it (the original padding, not SHA3-256's)."""
    rate = 136
    room = rate - len(data) % rate
    padded = data + (b"\x81" if room == 1 else b"\x01" + b"\x00" * (room - 2) + b"\x80")
    state = [[0] * 5 for _ in range(5)]
    for offset in range(0, len(padded), rate):
        block = padded[offset : offset + rate]
        for i in range(rate // 8):
            x, y = i % 5, i // 5
            state[x][y] ^= int.from_bytes(block[8 * i : 8 * i + 8], "little")
        _keccak_f(state)
    out = b"".join(state[i % 5][i // 5].to_bytes(8, "little") for i in range(4))
    return out[:32]


def ethereum(value: str, _before: str, _after: str) -> float | None:
    hexpart = value[2:]
    if len(set(hexpart.lower())) < 4:
        return None
    if hexpart in (hexpart.lower(), hexpart.upper()):
        return 0.85  # no checksum to check
    digest = keccak256(hexpart.lower().encode("ascii")).hex()
    for ch, nibble in zip(hexpart, digest[:40], strict=True):
        if ch.isalpha() and ch.isupper() != (int(nibble, 16) >= 8):
            return None  # a mixed-case address with a wrong EIP-55 checksum
    return 1.0


# --- email and URLs ------------------------------------------------------------------------------

_FILE_EXTENSIONS = frozenset(
    [
        "png",
        "jpg",
        "jpeg",
        "gif",
        "svg",
        "webp",
        "bmp",
        "ico",
        "js",
        "mjs",
        "ts",
        "css",
        "scss",
        "map",
        "json",
        "xml",
        "yaml",
        "yml",
        "txt",
        "md",
        "html",
        "htm",
        "py",
        "rb",
        "go",
        "rs",
        "java",
        "class",
        "jar",
        "zip",
        "gz",
        "tgz",
        "pdf",
    ]
)


def email(value: str, _before: str, _after: str) -> float | None:
    local, _, domain = value.rpartition("@")
    if local.startswith(".") or local.endswith(".") or ".." in local:
        return None
    if domain.rsplit(".", 1)[-1].lower() in _FILE_EXTENSIONS:
        return None  # logo@2x.png, a retina image
    return 1.0


_SCHEME = re.compile(r"^[a-z]+://", re.IGNORECASE)


def url(value: str, _before: str, _after: str) -> float | None:
    host = _SCHEME.sub("", value).split("/", 1)[0]
    return 1.0 if len(host) >= 3 else None
