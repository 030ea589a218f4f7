"""Queue names, URLs and ARNs."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from triggerfish.core.arns import parse_arn
from triggerfish.services.sqs.errors import InvalidParameterValue, QueueDoesNotExist

FIFO_SUFFIX = ".fifo"
DEFAULT_BASE_URL = "http://localhost:4566"
_NAME = re.compile(r"[A-Za-z0-9_-]{1,80}")
_FIFO_NAME = re.compile(r"[A-Za-z0-9_-]{1,75}\.fifo")
_ACCOUNT = re.compile(r"\d{12}")
# sqs.<region>.<domain> and <region>.queue.<domain> carry the region (SQS endpoints)
_REGION_HOST = re.compile(r"^(?:sqs\.(?P<a>[a-z]{2}(?:-[a-z]+)+-\d)\.|(?P<b>[a-z]{2}(?:-[a-z]+)+-\d)\.queue\.)")


@dataclass(frozen=True)
class QueueKey:
    """Where a queue lives and its name; ``arn`` identifies it everywhere else."""

    account: str
    region: str
    name: str

    @property
    def arn(self) -> str:
        return f"arn:aws:sqs:{self.region}:{self.account}:{self.name}"

    @property
    def fifo(self) -> bool:
        return self.name.endswith(FIFO_SUFFIX)

    @property
    def scope(self) -> str:
        return f"{self.account}/{self.region}"

    def url(self, base: str) -> str:
        return f"{base.rstrip('/')}/{self.account}/{self.name}"


def check_queue_name(name: str, *, fifo: bool) -> None:
    # CreateQueue: 1-80 alphanumerics, hyphens and underscores; FIFO names end in .fifo
    if fifo:
        if _FIFO_NAME.fullmatch(name) is None:
            raise InvalidParameterValue(
                "The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, "
                "must end with .fifo suffix and be 1 to 80 in length."
            )
    elif _NAME.fullmatch(name) is None:
        raise InvalidParameterValue(
            "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length"
        )


def key_from_url(url: str, *, account: str, region: str) -> QueueKey:
    """The queue a ``QueueUrl`` names: any host (ours, AWS's, ``localhost``), ``/<account>/<name>``.

    The region comes from an ``sqs.<region>.`` host when there is one, else from the request."""
    parts = urlsplit(url if "://" in url else f"http://placeholder/{url.lstrip('/')}")
    segments = [segment for segment in parts.path.split("/") if segment]
    if not segments or len(segments) > 2:
        raise QueueDoesNotExist()
    if len(segments) == 2:
        if _ACCOUNT.fullmatch(segments[0]) is None:
            raise QueueDoesNotExist()
        account = segments[0]
    host = _REGION_HOST.match(parts.hostname or "")
    if host is not None:
        region = host["a"] or host["b"]
    return QueueKey(account, region, segments[-1])


def key_from_arn(arn: str) -> QueueKey | None:
    """The queue an ARN names, or ``None`` when it is not an SQS queue ARN."""
    try:
        parsed = parse_arn(arn)
    except ValueError:
        return None
    if parsed.service != "sqs" or not parsed.region or not parsed.account or not parsed.resource:
        return None
    if ":" in parsed.resource or "/" in parsed.resource:
        return None
    return QueueKey(parsed.account, parsed.region, parsed.resource)
