"""A request handed to a WSGI application as a WSGI server would, and its answer collected."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from typing import Any

import pytest

from triggerfish.aws.fallback_wsgi import Environ, StartResponse, WsgiAnswer, call_wsgi, wsgi_environ
from triggerfish.aws.protocol import Headers, HttpRequest


def _request(**headers: str) -> HttpRequest:
    base = {"Host": "127.0.0.1:4566", "Content-Type": "application/x-amz-json-1.1"}
    return HttpRequest("POST", "/a%20b/%C3%A9", "x=1&y=%2F", Headers({**base, **headers}))


def test_environ_follows_pep_3333() -> None:
    environ = wsgi_environ(_request(**{"X-Amz-Target": "AmazonSSM.GetParameter"}), b'{"Name":"p"}')
    assert environ["REQUEST_METHOD"] == "POST"
    assert environ["PATH_INFO"] == "/a b/\xc3\xa9"  # decoded bytes, carried as latin-1 text
    assert environ["RAW_URI"] == "/a%20b/%C3%A9?x=1&y=%2F"
    assert environ["QUERY_STRING"] == "x=1&y=%2F"
    assert (environ["SERVER_NAME"], environ["SERVER_PORT"]) == ("127.0.0.1", "4566")
    assert environ["CONTENT_TYPE"] == "application/x-amz-json-1.1"
    assert environ["CONTENT_LENGTH"] == "12"
    assert environ["HTTP_HOST"] == "127.0.0.1:4566"
    assert environ["HTTP_X_AMZ_TARGET"] == "AmazonSSM.GetParameter"
    assert environ["wsgi.input"].read() == b'{"Name":"p"}'


def test_extra_headers_replace_the_clients_and_underscored_names_are_dropped() -> None:
    request = _request(**{"X-Moto-Account-Id": "111111111111", "X_Moto_Account_Id": "222222222222"})
    environ = wsgi_environ(request, b"", extra_headers={"x-moto-account-id": "000000000000"})
    assert environ["HTTP_X_MOTO_ACCOUNT_ID"] == "000000000000"


def test_the_content_length_is_the_bodys_own() -> None:
    environ = wsgi_environ(_request(**{"Content-Length": "999"}), b"abc")
    assert environ["CONTENT_LENGTH"] == "3"


def test_a_host_without_port_or_an_ipv6_literal() -> None:
    plain = wsgi_environ(HttpRequest("GET", "/", headers=Headers({"Host": "localhost"})), b"")
    assert (plain["SERVER_NAME"], plain["SERVER_PORT"]) == ("localhost", "80")
    literal = wsgi_environ(HttpRequest("GET", "/", headers=Headers({"Host": "[::1]"})), b"")
    assert (literal["SERVER_NAME"], literal["SERVER_PORT"]) == ("[::1]", "80")
    with_port = wsgi_environ(HttpRequest("GET", "/", headers=Headers({"Host": "[::1]:4566"})), b"")
    assert (with_port["SERVER_NAME"], with_port["SERVER_PORT"]) == ("[::1]", "4566")


class _Body:
    def __init__(self, parts: list[bytes]) -> None:
        self.parts = parts
        self.closed = False

    def __iter__(self) -> Iterator[bytes]:
        return iter(self.parts)

    def close(self) -> None:
        self.closed = True


def test_the_whole_answer_is_collected_and_the_iterable_closed() -> None:
    body = _Body([b"he", b"llo"])
    seen: list[Environ] = []

    def app(environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        seen.append(environ)
        write = start_response("404 NOT FOUND", [("Content-Type", "text/plain"), ("X-A", "1")])
        write(b"")
        return body

    answer = call_wsgi(app, wsgi_environ(_request(), b""))
    assert answer == WsgiAnswer(404, (("Content-Type", "text/plain"), ("X-A", "1")), b"hello")
    assert body.closed and seen


def test_an_app_that_never_starts_a_response_is_an_error() -> None:
    def app(environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        return [b"x"]

    with pytest.raises(RuntimeError, match="without starting"):
        call_wsgi(app, wsgi_environ(_request(), b""))


def test_an_error_after_the_response_started_is_raised() -> None:
    def app(environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        start_response("200 OK", [])
        try:
            raise ValueError("late failure")
        except ValueError:
            info: Any = sys.exc_info()
            start_response("500 INTERNAL SERVER ERROR", [], info)
        return []

    with pytest.raises(ValueError, match="late failure"):
        call_wsgi(app, wsgi_environ(_request(), b""))
