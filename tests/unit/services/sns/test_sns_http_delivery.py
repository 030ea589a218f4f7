"""HTTP/S subscribers against a real server on 127.0.0.1: the POST SNS makes, its headers, retries
after a 5xx, no retry after a 4xx, an unreachable endpoint ending in the DLQ, and confirmations."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from test_sns_fanout import DLQ_ARN, Rig, notification

from triggerfish.core.delivery import MessageAttribute
from triggerfish.services.sns.models import Endpoint, Subscription


@dataclass
class Request:
    method: str
    target: str
    headers: dict[str, str]
    body: str


class Server:
    """Answers each POST with the next status from ``statuses`` (then 200), recording the requests."""

    def __init__(self) -> None:
        self.requests: list[Request] = []
        self.statuses: list[int] = []
        self._server: asyncio.Server | None = None

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.sockets[0].getsockname()[1]}/sns-endpoint"

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        method, target, _ = (await reader.readline()).decode().split(" ", 2)
        headers: dict[str, str] = {}
        while (line := await reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode().partition(":")
            headers[name.strip().lower()] = value.strip()
        body = await reader.readexactly(int(headers.get("content-length", "0")))
        self.requests.append(Request(method, target, headers, body.decode()))
        status = self.statuses.pop(0) if self.statuses else 200
        writer.write(f"HTTP/1.1 {status} X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".encode())
        await writer.drain()
        writer.close()

    async def close(self) -> None:
        assert self._server is not None
        self._server.close()
        await self._server.wait_closed()


@pytest.fixture
async def server() -> AsyncIterator[Server]:
    started = Server()
    await started.start()
    yield started
    await started.close()


@pytest.fixture
async def rig() -> AsyncIterator[Rig]:
    opened = await Rig.open()
    yield opened
    await opened.close()


def _closed_port_url() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/gone"


async def test_a_notification_is_posted_with_the_sns_headers(rig: Rig, server: Server) -> None:
    topic = rig.topic()
    subscription = rig.subscribe(topic, Endpoint.HTTP, server.url)
    await rig.publish(topic, notification("test_external_http_endpoint"))
    await rig.run()
    (request,) = server.requests
    assert (request.method, request.target) == ("POST", "/sns-endpoint")
    body = json.loads(request.body)
    assert body["Type"] == "Notification" and body["Message"] == "test_external_http_endpoint"
    expected = {
        "content-type": "text/plain; charset=UTF-8",
        "user-agent": "Amazon Simple Notification Service Agent",
        "accept-encoding": "gzip,deflate",
        "x-amz-sns-message-type": "Notification",
        "x-amz-sns-message-id": body["MessageId"],
        "x-amz-sns-topic-arn": topic.arn,
        "x-amz-sns-subscription-arn": subscription.arn,
    }
    assert {name: request.headers.get(name) for name in expected} == expected
    assert "x-amz-sns-rawdelivery" not in request.headers


async def test_a_raw_notification_uses_the_request_policy_content_type(rig: Rig, server: Server) -> None:
    topic = rig.topic()
    policy = json.dumps({"requestPolicy": {"headerContentType": "text/csv"}})
    rig.subscribe(topic, Endpoint.HTTP, server.url, RawMessageDelivery="true", DeliveryPolicy=policy)
    await rig.publish(topic, notification("a,b,c", attributes={"k": MessageAttribute("String", "v")}))
    await rig.run()
    (request,) = server.requests
    assert request.body == "a,b,c"
    assert request.headers["content-type"] == "text/csv"
    assert request.headers["x-amz-sns-rawdelivery"] == "true"


async def test_a_server_error_is_retried_20_seconds_later(rig: Rig, server: Server) -> None:
    topic = rig.topic()
    rig.subscribe(topic, Endpoint.HTTP, server.url)
    server.statuses = [500]
    start = rig.clock.now()
    await rig.publish(topic, notification())
    await rig.run(until=start + 19)
    assert len(server.requests) == 1
    await rig.run()
    assert len(server.requests) == 2
    assert server.requests[0].body == server.requests[1].body  # same message id and signature on a retry
    assert rig.clock.now() == start + 20
    assert await rig.queued() == 0


async def test_a_client_error_answer_is_not_retried(rig: Rig, server: Server) -> None:
    topic = rig.topic()
    rig.subscribe(topic, Endpoint.HTTP, server.url, RedrivePolicy=json.dumps({"deadLetterTargetArn": DLQ_ARN}))
    server.statuses = [404]
    await rig.publish(topic, notification())
    await rig.run()
    assert len(server.requests) == 1
    assert rig.targets.tries == [] and await rig.queued() == 0


async def test_an_unreachable_endpoint_ends_in_the_dead_letter_queue(rig: Rig) -> None:
    topic = rig.topic()
    rig.subscribe(topic, Endpoint.HTTP, _closed_port_url(), RedrivePolicy=json.dumps({"deadLetterTargetArn": DLQ_ARN}))
    start = rig.clock.now()
    await rig.publish(topic, notification("lost endpoint"))
    await rig.run()
    (dead,) = rig.targets.to(DLQ_ARN)
    # the first attempt and 3 retries 20 s apart (the default HTTP/S policy)
    assert dead.at == start + 60
    assert json.loads(dead.delivery.body)["Message"] == "lost endpoint"
    assert await rig.queued() == 0


async def test_a_custom_policy_sets_the_http_retries(rig: Rig, server: Server) -> None:
    topic = rig.topic()
    policy = {"healthyRetryPolicy": {"numRetries": 2, "numNoDelayRetries": 1, "minDelayTarget": 3, "maxDelayTarget": 3}}
    rig.subscribe(topic, Endpoint.HTTP, server.url, DeliveryPolicy=json.dumps(policy))
    server.statuses = [503, 503, 503]
    await rig.publish(topic, notification())
    await rig.run()
    assert len(server.requests) == 3  # then given up: no DLQ configured


async def test_the_subscription_confirmation_is_posted(rig: Rig, server: Server) -> None:
    topic = rig.topic()
    confirmed = rig.subscribe(topic, Endpoint.HTTP, server.url)
    pending = Subscription(**{**confirmed.__dict__, "confirmed": False, "token": "abc123"})
    rig.lookup.subscriptions[pending.arn] = pending
    await rig.sns.request_confirmation(topic, pending)
    await rig.run()
    (request,) = server.requests
    body = json.loads(request.body)
    assert body["Type"] == "SubscriptionConfirmation" and body["Token"] == "abc123"
    assert (
        body["SubscribeURL"] == f"http://127.0.0.1:4566/?Action=ConfirmSubscription&TopicArn={topic.arn}&Token=abc123"
    )
    assert request.headers["x-amz-sns-message-type"] == "SubscriptionConfirmation"
    assert request.headers["content-type"] == "text/plain; charset=UTF-8"
    assert "x-amz-sns-subscription-arn" not in request.headers


async def test_a_confirmation_is_retried_until_the_subscription_is_confirmed(rig: Rig, server: Server) -> None:
    topic = rig.topic()
    confirmed = rig.subscribe(topic, Endpoint.HTTP, server.url)
    pending = Subscription(**{**confirmed.__dict__, "confirmed": False, "token": "t"})
    rig.lookup.subscriptions[pending.arn] = pending
    server.statuses = [500]
    await rig.sns.request_confirmation(topic, pending)
    await rig.run(until=rig.clock.now() + 1)
    assert len(server.requests) == 1
    rig.lookup.subscriptions[pending.arn] = confirmed  # confirmed meanwhile: no second POST
    await rig.run()
    assert len(server.requests) == 1 and await rig.queued() == 0


async def test_an_unsubscribe_confirmation_is_posted_after_the_subscription_is_gone(rig: Rig, server: Server) -> None:
    topic = rig.topic()
    subscription = rig.subscribe(topic, Endpoint.HTTP, server.url)
    del rig.lookup.subscriptions[subscription.arn]
    await rig.sns.announce_unsubscribe(topic, subscription, "tok")
    await rig.run()
    (request,) = server.requests
    assert json.loads(request.body)["Type"] == "UnsubscribeConfirmation"
    assert request.headers["x-amz-sns-subscription-arn"] == subscription.arn
