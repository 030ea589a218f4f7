"""Topic names and the ARNs of topics and subscriptions, checked as SNS checks them.

A topic ARN is ``arn:aws:sns:<region>:<account>:<name>``; a subscription's is its topic's ARN
followed by ``:<uuid>``. Topics are regional: an ARN of another region is refused as a bad
parameter, not as a missing topic (recorded SNS answers, cross-region access).
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

from triggerfish.core.scope import Scope
from triggerfish.services.sns.errors import invalid

FIFO_SUFFIX = ".fifo"
MAX_TOPIC_NAME = 256
# "Topic names must be made up of only uppercase and lowercase ASCII letters, numbers, underscores,
# and hyphens, and must be between 1 and 256 characters long" (CreateTopic); FIFO names end in .fifo
_NAME = re.compile(r"[A-Za-z0-9_-]+")
PENDING_CONFIRMATION = "pending confirmation"


def topic_arn(account: str, region: str, name: str) -> str:
    return f"arn:aws:sns:{region}:{account}:{name}"


def check_topic_name(name: str, fifo: bool) -> None:
    base = name[: -len(FIFO_SUFFIX)] if fifo and name.endswith(FIFO_SUFFIX) else name
    if fifo != name.endswith(FIFO_SUFFIX) or len(name) > MAX_TOPIC_NAME or not _NAME.fullmatch(base):
        raise invalid("Topic Name")


@dataclass(frozen=True)
class TopicRef:
    account: str
    region: str
    name: str

    @property
    def arn(self) -> str:
        return topic_arn(self.account, self.region, self.name)


def _elements(arn: str, parameter: str) -> list[str]:
    parts = arn.split(":")
    if len(parts) < 6:
        # "An ARN must have at least 6 elements, not N" (recorded)
        raise invalid(parameter, f"An ARN must have at least 6 elements, not {len(parts)}")
    return parts


def parse_topic_arn(arn: str, scope: Scope, parameter: str = "TopicArn") -> TopicRef:
    """The topic ``arn`` names, in the caller's region; refuses malformed and foreign-region ARNs."""
    parts = _elements(arn, parameter)
    if parts[0] != "arn" or parts[2] != "sns" or len(parts) != 6 or not parts[5]:
        raise invalid(parameter)
    if parts[3] != scope.region:
        raise invalid(parameter)
    return TopicRef(parts[4], parts[3], parts[5])


def parse_subscription_arn(arn: str, scope: Scope) -> tuple[TopicRef, str]:
    """``(topic, subscription id)`` of a subscription ARN; refuses malformed ones as SNS does."""
    if not arn:
        raise invalid("SubscriptionArn", "no value for required parameter")
    parts = _elements(arn, "SubscriptionArn")
    if parts[0] != "arn" or parts[2] != "sns" or len(parts) != 7 or not _is_uuid(parts[6]):
        raise invalid("SubscriptionId")
    if parts[3] != scope.region:
        raise invalid("SubscriptionArn")
    return TopicRef(parts[4], parts[3], parts[5]), parts[6]


def topic_of_arn(arn: str) -> TopicRef | None:
    """The topic an ARN names, wherever it is, or ``None`` when it is not a topic ARN."""
    parts = arn.split(":")
    if len(parts) != 6 or parts[0] != "arn" or parts[2] != "sns" or not parts[5]:
        return None
    return TopicRef(parts[4], parts[3], parts[5])


def _is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True
