"""One POST to an HTTP/S subscriber, and how its outcome is classed.

SNS guide, "Fanout to HTTP/S endpoints", step 1: an endpoint that answers with a status outside
200-4xx, or not within 15 seconds, has failed and the message is retried; a 2xx is a delivery, and
a 3xx or 4xx answer is not retried (SNS does not count it as a failure either). The headers are those
SNS sends ("HTTP/HTTPS headers"), as recorded: ``x-amz-sns-subscription-arn`` on notifications and
unsubscribe confirmations only, ``x-amz-sns-rawdelivery`` only for raw deliveries.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from triggerfish.services.http_call import HttpCallError, HttpRequest, HttpTimeout, http_call
from triggerfish.services.sns.delivery.policies import DEFAULT_CONTENT_TYPE

TIMEOUT = 15.0
USER_AGENT = "Amazon Simple Notification Service Agent"


class HttpOutcome(Enum):
    DELIVERED = "delivered"
    #: a 3xx or 4xx answer: the endpoint turned the message down and SNS does not try again
    DECLINED = "declined"
    #: a 5xx answer, no connection, or no answer in time
    RETRY = "retry"


@dataclass(frozen=True)
class HttpResult:
    outcome: HttpOutcome
    detail: str


@dataclass(frozen=True)
class HttpMessage:
    """What is POSTed: the body and the SNS headers' values."""

    body: str
    message_type: str
    message_id: str
    topic_arn: str
    subscription_arn: str | None = None
    raw: bool = False
    content_type: str = DEFAULT_CONTENT_TYPE

    def headers(self) -> list[tuple[str, str]]:
        headers = [
            ("Content-Type", self.content_type),
            ("User-Agent", USER_AGENT),
            ("Accept-Encoding", "gzip,deflate"),
            ("x-amz-sns-message-type", self.message_type),
            ("x-amz-sns-message-id", self.message_id),
            ("x-amz-sns-topic-arn", self.topic_arn),
        ]
        if self.subscription_arn is not None:
            headers.append(("x-amz-sns-subscription-arn", self.subscription_arn))
        if self.raw:
            headers.append(("x-amz-sns-rawdelivery", "true"))
        return headers


def classify(status: int) -> HttpOutcome:
    if 200 <= status < 300:
        return HttpOutcome.DELIVERED
    if 300 <= status < 500:
        return HttpOutcome.DECLINED
    return HttpOutcome.RETRY


async def post(url: str, message: HttpMessage, *, timeout: float = TIMEOUT) -> HttpResult:
    request = HttpRequest("POST", url, message.headers(), message.body.encode("utf-8"))
    try:
        response = await http_call(request, timeout=timeout, body_limit=4096)
    except HttpTimeout as exc:
        return HttpResult(HttpOutcome.RETRY, str(exc))
    except HttpCallError as exc:
        return HttpResult(HttpOutcome.RETRY, f"cannot reach {url}: {exc}")
    return HttpResult(classify(response.status), f"{url} answered {response.status} {response.reason}".rstrip())
