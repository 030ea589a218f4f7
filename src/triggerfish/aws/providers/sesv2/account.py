"""GetAccount (v2): the sending account as a new one is, in the sandbox (SES developer guide, "Sandbox").

Sending is enabled and the reputation healthy; production access is not granted, so unverified
recipients are refused as in the sandbox; the quota is the service's.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from triggerfish.aws.providers.base import Call, Reply
from triggerfish.services.ses.service import SesService

Operation = Callable[[Call], Awaitable[Reply]]


class AccountOperations:
    def __init__(self, service: SesService) -> None:
        self._service = service

    def table(self) -> dict[str, Operation]:
        return {"GetAccount": self.get_account}

    async def get_account(self, call: Call) -> Reply:
        quota = self._service.quota(call.scope.region)
        return Reply(
            {
                "DedicatedIpAutoWarmupEnabled": False,
                "EnforcementStatus": "HEALTHY",
                "ProductionAccessEnabled": False,
                "SendingEnabled": True,
                "SendQuota": {
                    "Max24HourSend": quota.max_24_hour_send,
                    "MaxSendRate": quota.max_send_rate,
                    "SentLast24Hours": quota.sent_last_24_hours,
                },
            }
        )
