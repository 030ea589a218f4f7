"""Lambda results to HTTP responses: REST payload 1.0 (spec §6.1 matrix), HTTP API 2.0 and 1.0 (§6.2)."""

from __future__ import annotations

import base64
import json

import pytest

from triggerfish.gateway.binary import BinaryMediaTypes
from triggerfish.gateway.http_responses import v1_response, v2_response
from triggerfish.gateway.response import JSON_TYPE, Response
from triggerfish.gateway.rest_responses import MalformedResponse, rest_response

NONE = BinaryMediaTypes(())


def rest(result: object, binary: BinaryMediaTypes = NONE, accept: str | None = None) -> Response:
    return rest_response(json.dumps(result).encode(), binary, accept)


def headers(response: Response) -> list[tuple[str, str]]:
    return [(name.decode(), value.decode()) for name, value in response.headers]


@pytest.mark.parametrize(
    ("result", "status"),
    [
        ({"statusCode": 200, "body": "x", "headers": {"a": "b"}, "multiValueHeaders": {"c": ["d"]}}, 200),
        ({"statusCode": 200}, 200),
        ({"headers": {"a": "b"}}, 200),
        ({}, 200),
        ({"statusCode": "201"}, 201),
        ({"statusCode": 204, "isBase64Encoded": False, "body": None}, 204),
    ],
)
def test_rest_accepts_valid_results(result: object, status: int) -> None:
    assert rest(result).status == status


@pytest.mark.parametrize(
    "result",
    [
        {"statusCode": "test"},
        {"statusCode": 200, "wrongValue": 1},
        "justAString",
        ["a"],
        None,
        {"multiValueHeaders": {"a": "not-a-list"}},
        {"statusCode": 200, "body": {"an": "object"}},
        {"statusCode": True},
        {"statusCode": 99},
        {"headers": {"a": {"nested": 1}}},
        {"isBase64Encoded": "yes"},
        {"cookies": ["a=b"]},
    ],
)
def test_rest_rejects_malformed_results(result: object) -> None:
    with pytest.raises(MalformedResponse):
        rest(result)


def test_rest_merges_both_header_maps_multi_first() -> None:
    response = rest({"multiValueHeaders": {"tesT-Multi": ["value-multi"]}, "headers": {"test-multi": "value-solo"}})
    assert headers(response)[:2] == [("tesT-Multi", "value-multi"), ("test-multi", "value-solo")]


def test_rest_defaults_content_type_and_stringifies_header_values() -> None:
    response = rest({"headers": {"header-bool": True, "n": 1}})
    assert headers(response) == [("header-bool", "true"), ("n", "1"), ("Content-Type", "application/json")]
    typed = rest({"headers": {"content-type": "text/html"}})
    assert ("Content-Type", "application/json") not in headers(typed)
    # a null Content-Type suppresses the default
    assert headers(rest({"headers": {"Content-Type": None}})) == []


def test_rest_remaps_headers_it_owns() -> None:
    response = rest({"headers": {"Date": "yesterday", "Server": "mine"}})
    assert ("x-amzn-Remapped-Date", "yesterday") in headers(response)
    assert ("x-amzn-Remapped-Server", "mine") in headers(response)


def test_rest_base64_body_is_decoded_only_for_a_binary_accept() -> None:
    encoded = base64.b64encode(b"\x00\x01binary").decode()
    result = {"body": encoded, "isBase64Encoded": True}
    assert rest(result).body == encoded.encode()
    images = BinaryMediaTypes(("image/*",))
    assert rest(result, images, "image/png").body == b"\x00\x01binary"
    assert rest(result, images, "text/html,image/png").body == encoded.encode()  # only the first type counts
    assert rest(result, BinaryMediaTypes(("*/*",)), None).body == b"\x00\x01binary"


def v2(result: object) -> Response:
    return v2_response(json.dumps(result).encode())


@pytest.mark.parametrize(
    ("result", "body"),
    [
        ({"hello": "world"}, b'{"hello":"world"}'),
        (["hello", 3, True], b'["hello",3,true]'),
        ("hello", b"hello"),
        (3, b"3"),
        (3.1, b"3.1"),
        (True, b"true"),
        (None, b"null"),
        ({"body": "no status"}, b'{"body":"no status"}'),
    ],
)
def test_v2_infers_a_response_from_any_value(result: object, body: bytes) -> None:
    response = v2(result)
    assert (response.status, response.body) == (200, body)
    assert response.headers == [JSON_TYPE]


def test_v2_compact_payload_is_passed_through() -> None:
    assert v2_response(b'{"a":[1,2]}').body == b'{"a":[1,2]}'


def test_v2_structured_response() -> None:
    response = v2(
        {
            "statusCode": 201,
            "headers": {"X-A": "1", "Content-Length": "999", "x-b": False, "x-list": ["a", 2]},
            "cookies": ["a=1", "b=2; Secure"],
            "body": base64.b64encode(b"\xff\xfe").decode(),
            "isBase64Encoded": True,
        }
    )
    assert response.status == 201
    assert response.body == b"\xff\xfe"
    assert headers(response) == [
        ("x-a", "1"),
        ("x-b", "false"),
        ("x-list", "a,2"),
        ("content-type", "text/plain; charset=utf-8"),
        ("set-cookie", "a=1"),
        ("set-cookie", "b=2; Secure"),
    ]
    assert v2({"statusCode": 200, "body": '{"hello": "world"}'}).body == b'{"hello": "world"}'


@pytest.mark.parametrize(
    "result",
    [{"statusCode": "test"}, {"statusCode": 200, "cookies": "a=1"}, {"statusCode": 200, "body": 5}],
)
def test_v2_rejects_malformed_structured_responses(result: object) -> None:
    with pytest.raises(MalformedResponse):
        v2(result)


def test_v1_on_http_apis_joins_values_and_decodes_base64() -> None:
    result = {
        "statusCode": 200,
        "multiValueHeaders": {"X": ["1", "2"]},
        "body": base64.b64encode(b"bin").decode(),
        "isBase64Encoded": True,
    }
    response = v1_response(json.dumps(result).encode())
    assert headers(response) == [("x", "1,2"), ("content-type", "text/plain; charset=utf-8")]
    assert response.body == b"bin"
    with pytest.raises(MalformedResponse):
        v1_response(b'"text"')
