"""POST /cache, GET and DELETE /cache/{key}: entries, validation, TTL expiry and LRU eviction."""

from __future__ import annotations

import pytest

from tests.reflex.helpers import (
    CACHE,
    assert_error,
    assert_validation_error,
    check,
    expected_cache_key,
    get_status,
    make_reflex,
    parse_rfc3339,
    put,
    rfc3339,
    stats,
)

# --- POST /cache -------------------------------------------------------------------------------


def test_put_returns_the_entry_with_default_ttl(reflex, clock):
    response = reflex.post(CACHE, json={"key": "greeting.en", "value": {"answer": "Hello"}})

    assert response.status_code == 201
    assert response.headers["location"] == "/api/v1/cache/greeting.en"
    assert response.json() == {
        "key": "greeting.en",
        "value": {"answer": "Hello"},
        "ttl_seconds": 3600,
        "created_at": rfc3339(clock.now),
        "expires_at": rfc3339(clock.now + 3600),
    }


def test_expires_at_is_created_at_plus_ttl(reflex, clock):
    clock.advance(12.5)

    entry = put(reflex, "k", 1, ttl_seconds=90).json()

    assert entry["ttl_seconds"] == 90
    assert entry["created_at"].endswith("Z") and entry["expires_at"].endswith("Z")
    created, expires = parse_rfc3339(entry["created_at"]), parse_rfc3339(entry["expires_at"])
    assert created.timestamp() == pytest.approx(clock.now)
    assert (expires - created).total_seconds() == pytest.approx(90)


def test_get_returns_the_stored_entry(reflex):
    created = put(reflex, "sha256:" + "ab" * 32, ["x", 1], ttl_seconds=60).json()

    response = reflex.get(f"{CACHE}/sha256:{'ab' * 32}")

    assert response.status_code == 200
    assert response.json() == created


@pytest.mark.parametrize(
    "value",
    [
        {"answer": "Paris"},
        [1, 2, 3],
        "plain string",
        "ünïcödé 😀",
        42,
        -1.25,
        True,
        False,
        0,
        "",
        [],
        {},
        None,
        {"a": [1, {"b": [None, True, {"c": "deep"}]}], "n": 1.5e10},
    ],
    ids=repr,
)
def test_any_json_value_round_trips(reflex, value):
    assert put(reflex, "any", value).json()["value"] == value

    response = reflex.get(f"{CACHE}/any")

    assert response.status_code == 200
    assert response.json()["value"] == value


def test_put_overwrites(reflex, clock):
    put(reflex, "k", "first", ttl_seconds=100)
    clock.advance(5)

    second = put(reflex, "k", {"second": True}, ttl_seconds=200).json()

    assert second["value"] == {"second": True}
    assert second["ttl_seconds"] == 200
    assert second["created_at"] == rfc3339(clock.now)
    assert reflex.get(f"{CACHE}/k").json() == second
    assert stats(reflex)["entries"] == 1


@pytest.mark.parametrize(
    "key", ["a", "greeting.en", "a_b-c:d.e", "sha256:" + "0f" * 32, "Z" * 256, "0.9_-:"]
)
def test_valid_keys_are_accepted(reflex, key):
    assert put(reflex, key, "v").json()["key"] == key
    assert get_status(reflex, key) == 200


@pytest.mark.parametrize(
    ("body", "field", "constraint"),
    [
        ({"key": "", "value": 1}, "key", "minLength"),
        ({"key": "a" * 257, "value": 1}, "key", "maxLength"),
        ({"key": "a b", "value": 1}, "key", "pattern"),
        ({"key": "a/b", "value": 1}, "key", "pattern"),
        ({"key": "a!b", "value": 1}, "key", "pattern"),
        ({"key": "café", "value": 1}, "key", "pattern"),
        ({"key": 7, "value": 1}, "key", "type"),
        ({"key": "k", "value": 1, "ttl_seconds": 0}, "ttl_seconds", "minimum"),
        ({"key": "k", "value": 1, "ttl_seconds": -5}, "ttl_seconds", "minimum"),
        ({"key": "k", "value": 1, "ttl_seconds": 2_592_001}, "ttl_seconds", "maximum"),
        ({"key": "k", "value": 1, "ttl_seconds": 1.5}, "ttl_seconds", "type"),
        ({"key": "k", "value": 1, "ttl_seconds": "60"}, "ttl_seconds", "type"),
        ({"key": "k"}, "value", "required"),
        ({"value": 1}, "key", "required"),
        ({"key": "k", "value": 1, "ttl": 5}, "ttl", "additionalProperties"),
    ],
)
def test_invalid_puts_are_rejected(reflex, body, field, constraint):
    assert_validation_error(reflex.post(CACHE, json=body), field, constraint)
    assert stats(reflex)["sets"] == 0


@pytest.mark.parametrize("ttl", [1, 2_592_000])
def test_ttl_bounds_are_accepted(reflex, ttl):
    assert put(reflex, "k", 1, ttl_seconds=ttl).json()["ttl_seconds"] == ttl


def test_value_with_an_unpaired_surrogate_is_a_validation_error_not_a_crash(reflex):
    response = reflex.post(
        CACHE,
        content=b'{"key": "k", "value": "abc \\ud800 def"}',
        headers={"Content-Type": "application/json"},
    )

    assert_error(response, 400, "VALIDATION_ERROR")


# --- keys in the path --------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["GET", "DELETE"])
@pytest.mark.parametrize(
    ("path_key", "constraint"),
    [
        ("a%20b", "pattern"),
        ("a%21b", "pattern"),
        ("caf%C3%A9", "pattern"),
        ("a" * 257, "maxLength"),
    ],
)
def test_invalid_keys_in_the_path_are_rejected(reflex, method, path_key, constraint):
    response = reflex.request(method, f"{CACHE}/{path_key}")

    assert_validation_error(response, "key", constraint)


# --- GET and DELETE ----------------------------------------------------------------------------


def test_get_of_an_absent_key_is_not_found(reflex):
    assert_error(reflex.get(f"{CACHE}/missing"), 404, "NOT_FOUND")


def test_delete_removes_the_entry(reflex):
    put(reflex, "k", "v")

    response = reflex.delete(f"{CACHE}/k")

    assert response.status_code == 204
    assert response.content == b""
    assert_error(reflex.get(f"{CACHE}/k"), 404, "NOT_FOUND")
    assert_error(reflex.delete(f"{CACHE}/k"), 404, "NOT_FOUND")


def test_delete_of_an_absent_key_is_not_found(reflex):
    assert_error(reflex.delete(f"{CACHE}/never-stored"), 404, "NOT_FOUND")


# --- TTL ---------------------------------------------------------------------------------------


def test_entry_expires_after_its_ttl(reflex, clock):
    put(reflex, "k", "v", ttl_seconds=10)

    clock.advance(9.9)
    assert get_status(reflex, "k") == 200

    clock.advance(0.2)
    assert_error(reflex.get(f"{CACHE}/k"), 404, "NOT_FOUND")


def test_delete_of_an_expired_entry_is_not_found(reflex, clock):
    put(reflex, "k", "v", ttl_seconds=10)
    clock.advance(11)

    assert_error(reflex.delete(f"{CACHE}/k"), 404, "NOT_FOUND")
    assert stats(reflex)["deletes"] == 0


def test_an_expired_entry_is_no_longer_a_check_hit(reflex, clock):
    put(reflex, expected_cache_key("hello"), "cached", ttl_seconds=10)
    assert check(reflex, "hello")["cache_hit"] is True

    clock.advance(10.5)
    body = check(reflex, "hello")

    assert body["cache_hit"] is False
    assert body["cached_value"] is None


def test_overwriting_restarts_the_ttl(reflex, clock):
    put(reflex, "k", "old", ttl_seconds=10)
    clock.advance(8)
    put(reflex, "k", "new", ttl_seconds=10)

    clock.advance(8)  # 16 s after the first put, 8 s after the second
    response = reflex.get(f"{CACHE}/k")
    assert response.status_code == 200
    assert response.json()["value"] == "new"

    clock.advance(2.5)
    assert get_status(reflex, "k") == 404
    assert stats(reflex)["expirations"] == 1


def test_overwriting_with_a_shorter_ttl_expires_sooner(reflex, clock):
    put(reflex, "k", "old", ttl_seconds=100)
    put(reflex, "k", "new", ttl_seconds=5)

    clock.advance(6)

    assert get_status(reflex, "k") == 404


# --- bounds: LRU eviction ----------------------------------------------------------------------


def test_least_recently_used_entry_is_evicted(make_settings, clock, embedded_only):
    with make_reflex(make_settings, clock, cache_max_entries=3) as client:
        for key in ("a", "b", "c"):
            put(client, key, key.upper())
        assert get_status(client, "a") == 200  # a is now more recent than b

        put(client, "d", "D")

        assert_error(client.get(f"{CACHE}/b"), 404, "NOT_FOUND")
        for key in ("a", "c", "d"):
            assert client.get(f"{CACHE}/{key}").json()["value"] == key.upper()
        after = stats(client)
        assert after["evictions"] == 1
        assert after["entries"] == 3


def test_without_touching_the_oldest_entry_is_evicted(make_settings, clock, embedded_only):
    with make_reflex(make_settings, clock, cache_max_entries=2) as client:
        put(client, "a", 1)
        put(client, "b", 2)
        put(client, "c", 3)

        assert get_status(client, "a") == 404
        assert get_status(client, "b") == 200
        assert get_status(client, "c") == 200
        assert stats(client)["evictions"] == 1


def test_a_check_hit_counts_as_use(make_settings, clock, embedded_only):
    with make_reflex(make_settings, clock, cache_max_entries=2) as client:
        put(client, expected_cache_key("first"), 1)
        put(client, "second", 2)
        assert check(client, "first")["cache_hit"] is True

        put(client, "third", 3)

        assert get_status(client, "second") == 404
        assert get_status(client, expected_cache_key("first")) == 200


def test_overwriting_at_capacity_evicts_nothing(make_settings, clock):
    with make_reflex(make_settings, clock, cache_max_entries=2) as client:
        put(client, "a", 1)
        put(client, "b", 2)

        put(client, "a", 10)

        assert client.get(f"{CACHE}/a").json()["value"] == 10
        assert client.get(f"{CACHE}/b").json()["value"] == 2
        assert stats(client)["evictions"] == 0


# --- bounds: bytes -----------------------------------------------------------------------------

# Each entry below is a 2-character key and a 200-character string: two fit in 600 bytes (with
# up to ~95 bytes of bookkeeping each), three do not.
BYTE_BOUND = 600
VALUE = "x" * 200


def test_byte_bound_evicts_the_oldest(make_settings, clock, embedded_only):
    with make_reflex(make_settings, clock, cache_max_bytes=BYTE_BOUND) as client:
        put(client, "k1", VALUE)
        put(client, "k2", VALUE)

        put(client, "k3", VALUE)

        assert get_status(client, "k1") == 404
        assert get_status(client, "k2") == 200
        assert get_status(client, "k3") == 200
        after = stats(client)
        assert after["evictions"] == 1
        assert after["entries"] == 2


def test_byte_bound_evicts_least_recently_used(make_settings, clock, embedded_only):
    with make_reflex(make_settings, clock, cache_max_bytes=BYTE_BOUND) as client:
        put(client, "k1", VALUE)
        put(client, "k2", VALUE)
        assert get_status(client, "k1") == 200

        put(client, "k3", VALUE)

        assert get_status(client, "k2") == 404
        assert get_status(client, "k1") == 200
        assert get_status(client, "k3") == 200


def test_entry_larger_than_the_byte_bound_is_too_large(make_settings, clock, embedded_only):
    with make_reflex(make_settings, clock, cache_max_bytes=BYTE_BOUND) as client:
        put(client, "small", "s")

        response = client.post(CACHE, json={"key": "big", "value": "x" * 1000})

        assert_error(response, 413, "PAYLOAD_TOO_LARGE")
        assert get_status(client, "big") == 404
        assert get_status(client, "small") == 200
        after = stats(client)
        assert after["sets"] == 1
        assert after["evictions"] == 0
