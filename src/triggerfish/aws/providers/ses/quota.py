"""Quota operations: the sending quota, statistics and whether sending is enabled."""

from __future__ import annotations

from triggerfish.aws.providers.base import Call, Reply
from triggerfish.aws.providers.ses.shapes import Operation
from triggerfish.services.ses.service import SesService


class QuotaOperations:
    def __init__(self, service: SesService) -> None:
        self._service = service

    def table(self) -> dict[str, Operation]:
        return {
            "GetSendQuota": self.get_send_quota,
            "GetSendStatistics": self.get_send_statistics,
            "GetAccountSendingEnabled": self.get_account_sending_enabled,
        }

    async def get_send_quota(self, call: Call) -> Reply:
        found = self._service.quota(call.scope.region)
        return Reply(
            {
                "Max24HourSend": found.max_24_hour_send,
                "MaxSendRate": found.max_send_rate,
                "SentLast24Hours": found.sent_last_24_hours,
            }
        )

    async def get_send_statistics(self, call: Call) -> Reply:
        points = [
            {
                "Timestamp": point.timestamp,
                "DeliveryAttempts": point.delivery_attempts,
                "Bounces": point.bounces,
                "Complaints": point.complaints,
                "Rejects": point.rejects,
            }
            for point in self._service.statistics(call.scope.region)
        ]
        return Reply({"SendDataPoints": points})

    async def get_account_sending_enabled(self, call: Call) -> Reply:
        return Reply({"Enabled": True})
