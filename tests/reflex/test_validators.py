"""The checksums and rules that confirm PII candidates."""

from __future__ import annotations

import pytest

from octollm.reflex.detection.pii import validators as v


def ok(validator, value: str, before: str = "", after: str = "") -> bool:
    return validator(value, before, after) is not None


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("4111 1111 1111 1111", True),
        ("4111 1111 1111 1112", False),  # Luhn
        ("378282246310005", True),  # Amex, 15 digits
        ("3782822463100005", False),  # Amex numbers have 15 digits
        ("6011000990139424", True),
        ("0000 0000 0000 0000", False),
        ("9999999999999995", False),  # no issuer starts with 9
    ],
)
def test_cards(value, valid):
    assert ok(v.card, value) is valid


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("123-45-6789", True),
        ("000-12-3456", False),
        ("666-12-3456", False),
        ("900-12-3456", False),
        ("123-00-4567", False),
        ("123-45-0000", False),
        ("078-05-1120", False),  # the Woolworth wallet card
        ("123-45 6789", False),  # mixed separators
    ],
)
def test_ssns(value, valid):
    assert ok(v.ssn, value) is valid


def test_an_ssn_in_arithmetic_is_not_one():
    assert not ok(v.ssn, "123-45-6789", "Math: ", " = -6711")
    assert ok(v.ssn, "123-45-6789", "ssn=", "")


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("DE89 3704 0044 0532 0130 00", True),
        ("GB82WEST12345698765432", True),
        ("GB82WEST12345698765433", False),  # mod 97
        ("DE89 3704 0044 0532 0130", False),  # too short for Germany
        ("XX89370400440532013000", False),  # no such country
    ],
)
def test_ibans(value, valid):
    assert ok(v.iban, value) is valid


@pytest.mark.parametrize(
    ("value", "valid"),
    [("1HGCM82633A004352", True), ("1M8GDM9AXKP042788", True), ("1HGCM82633A004353", False)],
)
def test_vins(value, valid):
    assert ok(v.vin, value) is valid


def test_a_vin_without_check_digit_needs_the_word():
    assert ok(v.vin, "WVWZZZ1JZXW000001", "VIN: ")
    assert not ok(v.vin, "WVWZZZ1JZXW000001", "ref ")


@pytest.mark.parametrize(
    ("validator", "value", "valid"),
    [
        (v.bitcoin_base58, "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", True),
        (v.bitcoin_base58, "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy", True),
        (v.bitcoin_base58, "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb", False),
        (v.bitcoin_bech32, "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq", True),
        (v.bitcoin_bech32, "bc1p5d7rjq7g6rdk2yhzks9smlaqtedr4dekq08ge8ztwac72sfr9rusxg3297", True),
        (v.bitcoin_bech32, "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdx", False),
        (v.ethereum, "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", True),  # EIP-55
        (v.ethereum, "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD", False),  # bad checksum
        (v.ethereum, "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed", True),  # no checksum
    ],
)
def test_crypto_addresses(validator, value, valid):
    assert ok(validator, value) is valid


def test_keccak256():
    assert v.keccak256(b"").hex() == (
        "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"
    )
    assert v.keccak256(b"abc").hex() == (
        "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45"
    )


@pytest.mark.parametrize(
    ("validator", "value", "before", "valid"),
    [
        (v.ipv4, "192.168.1.10", "", True),
        (v.ipv4, "192.168.1.300", "", False),
        (v.ipv4, "010.0.0.1", "", False),
        (v.ipv4, "1.2.3.4", "version ", False),
        (v.ipv4, "2.3.1.4", "section ", False),
        (v.ipv4, "10.20.30.40", "Server ", True),
        (v.ipv6, "2001:db8::8a2e:370:7334", "", True),
        (v.ipv6, "1::2", "", False),  # a slice, not an address
        (v.ipv6, "12:30:45", "", False),
        (v.mac, "00:1A:2B:3C:4D:5E", "", True),
        (v.mac, "00:1A-2B:3C:4D:5E", "", False),  # mixed separators
        (v.aba_routing, "021000021", "", True),
        (v.aba_routing, "123456789", "", False),
        (v.coordinates, "40.7128, -74.0060", "", True),
        (v.coordinates, "95.1234, 10.0000", "", False),
        (v.coordinates, "0.9712, 0.9645", "precision ", False),
        (v.phone, "555-123-4567", "", True),
        (v.phone, "123-456-7890", "", False),  # no area code starts with 1
        (v.secret, "your_api_key_here", "", False),
        (v.secret, "aB3xK9mQ2pL7vN4wR8tY", "", True),
        (v.email, "logo@2x.png", "", False),
    ],
)
def test_other_rules(validator, value, before, valid):
    assert ok(validator, value, before) is valid


def test_a_coordinate_pair_in_a_series_is_not_a_place():
    assert not ok(v.coordinates, "12.3456, 78.9012", "Scores: ", " and 34.5678")


def test_github_token_checksum_raises_confidence():
    import zlib

    body = "a" * 10 + "B3xK9mQ2pL7vN4wR8tY5z"[:20]
    token = "ghp_" + body + v._base62(zlib.crc32(body.encode()), 6)
    assert v.github_token(token, "", "") == 1.0
    assert v.github_token(token[:-1] + "Z", "", "") == 0.9


def test_the_label_before_an_address_is_found_as_the_full_search_finds_it():
    """`_not_an_address` searches only near the end of the text before an address: what
    `_NOT_AN_ADDRESS.search` over all of it finds, on random texts of its words, spaces of
    every kind, `:` and `#`."""
    import random
    import re

    from octollm.reflex.detection.pii import validators as v

    words = re.findall(r"[a-z§]+(?:\\\.\?)?", v._NOT_AN_ADDRESS.pattern)
    assert max(len(w.replace("\\.?", ".")) for w in words) <= v._LONGEST_LABEL
    pieces = [
        *(w.replace("\\.?", ".") for w in words), *(w.replace("\\.?", "") for w in words),
        "PARAGRAPH", "Ver.", "\u212a", "x", "1", " ", "  ", "\n", "\t", "\u00a0", "\u2003",
        ":", "#", "::", ".", "-", "(",
    ]  # fmt: skip
    rng = random.Random(29)
    for _ in range(40_000):
        before = "".join(rng.choice(pieces) for _ in range(rng.randrange(0, 12)))
        expected = v._NOT_AN_ADDRESS.search(before) is not None
        assert v._not_an_address(before) == expected, before
