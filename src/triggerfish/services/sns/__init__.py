"""SNS: topics, subscriptions and publishing (spec §5).

:class:`SnsService` is the whole service: the API (``create_topic``, ``subscribe``, ``publish``...),
the lookup of topics and subscriptions the delivery side (:mod:`.delivery`) uses, and the ``sns``
deliverer (``service.deliverer``) through which other services publish to a topic by its ARN.

Service methods take ``scope``: the caller's account and region. The package imports the service
on first use, so its small modules (``models``, ``errors``) can be imported without the rest.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from triggerfish.services.sns.models import Endpoint, Notification, Subscription, Topic

if TYPE_CHECKING:
    from triggerfish.services.sns.fifo import Published
    from triggerfish.services.sns.publishing import Message
    from triggerfish.services.sns.service import SnsService

__all__ = ["Endpoint", "Message", "Notification", "Published", "SnsService", "Subscription", "Topic"]


def __getattr__(name: str) -> Any:
    if name == "SnsService":
        from triggerfish.services.sns.service import SnsService

        return SnsService
    if name == "Message":
        from triggerfish.services.sns.publishing import Message

        return Message
    if name == "Published":
        from triggerfish.services.sns.fifo import Published

        return Published
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
