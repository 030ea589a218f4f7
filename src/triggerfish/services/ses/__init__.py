"""SES: verified identities, templates, sending (stored, optionally relayed over SMTP), quota.

Receiving (receipt rule sets, the SMTP listener, actions) lives in :mod:`.receiving`.
"""

from triggerfish.services.ses.models import (
    BulkEntry,
    BulkResult,
    DataPoint,
    Destination,
    Identity,
    OutgoingMessage,
    Quota,
    SentMessage,
    Template,
)
from triggerfish.services.ses.relay import SmtpRelay
from triggerfish.services.ses.service import SesService

__all__ = [
    "BulkEntry",
    "BulkResult",
    "DataPoint",
    "Destination",
    "Identity",
    "OutgoingMessage",
    "Quota",
    "SentMessage",
    "SesService",
    "SmtpRelay",
    "Template",
]
