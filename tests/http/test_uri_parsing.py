"""`StrictURIParser`: numbers in the query and the path only as they are written in ASCII digits
(the HTTP cases: tests/orchestrator/test_get_and_list.py, `test_invalid_query_names_the_parameter`);
here the types and styles the specs do not use yet, against connexion's own parser."""

from __future__ import annotations

import pytest
from connexion.uri_parsing import OpenAPIURIParser

from octollm.http.uri_parsing import StrictURIParser

PARAMS = [
    {"name": "n", "in": "query", "schema": {"type": "integer"}},
    {"name": "x", "in": "query", "schema": {"type": "number"}},
    {"name": "ns", "in": "query", "schema": {"type": "array", "items": {"type": "integer"}}},
    {
        "name": "xs",
        "in": "query",
        "style": "pipeDelimited",
        "explode": False,
        "schema": {"type": "array", "items": {"type": "number"}},
    },
    {"name": "s", "in": "query", "schema": {"type": "string"}},
    {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}},
]


def parsers() -> tuple[OpenAPIURIParser, StrictURIParser]:
    return OpenAPIURIParser(PARAMS, {}), StrictURIParser(PARAMS, {})


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"n": ["10"]}, {"n": 10}),
        ({"n": ["-3"]}, {"n": -3}),
        ({"n": ["+3"]}, {"n": 3}),
        ({"n": ["007"]}, {"n": 7}),
        ({"n": ["1", "2"]}, {"n": 2}),  # the last of repeated values, as connexion reads them
        ({"x": ["1.5"]}, {"x": 1.5}),
        ({"x": ["-.5e3"]}, {"x": -500.0}),
        ({"x": ["2"]}, {"x": 2.0}),
        ({"ns": ["1", "2,3"]}, {"ns": [1, 2, 3]}),
        ({"xs": ["1.5|2"]}, {"xs": [1.5, 2.0]}),
        ({"s": ["1_0"]}, {"s": "1_0"}),
    ],
)
def test_numbers_written_in_ascii_digits_are_read_as_connexion_reads_them(query, expected):
    stock, strict = parsers()
    assert strict.resolve_query(dict(query)) == stock.resolve_query(dict(query)) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"n": ["1_0"]}, {"n": "1_0"}),
        ({"n": [" 3"]}, {"n": " 3"}),
        ({"n": ["3 "]}, {"n": "3 "}),
        ({"n": ["\u0663"]}, {"n": "\u0663"}),
        ({"n": ["2", "1_0"]}, {"n": "1_0"}),
        ({"x": ["nan"]}, {"x": "nan"}),
        ({"x": ["-Infinity"]}, {"x": "-Infinity"}),
        ({"x": ["1_000.5"]}, {"x": "1_000.5"}),
        ({"x": ["\uff11.5"]}, {"x": "\uff11.5"}),
        ({"ns": ["1,2_0,3"]}, {"ns": [1, "2_0", 3]}),
        ({"xs": ["1.5|inf"]}, {"xs": [1.5, "inf"]}),
    ],
)
def test_other_spellings_stay_strings_for_validation_to_refuse(query, expected):
    stock, strict = parsers()
    assert strict.resolve_query(dict(query)) == expected
    assert stock.resolve_query(dict(query)) != expected  # connexion reads them as numbers


def test_path_values_too():
    stock, strict = parsers()
    assert strict.resolve_path({"id": "12"}) == stock.resolve_path({"id": "12"}) == {"id": 12}
    assert strict.resolve_path({"id": "1_2"}) == {"id": "1_2"}
    assert stock.resolve_path({"id": "1_2"}) == {"id": 12}
