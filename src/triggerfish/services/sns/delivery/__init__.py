"""SNS's delivery side: who gets a published notification, in what shape, and what happens when a
delivery fails (spec §5.2-§5.5)."""

from __future__ import annotations

from triggerfish.services.sns.delivery.fanout import SnsDelivery, SubscriptionLookup

__all__ = ["SnsDelivery", "SubscriptionLookup"]
