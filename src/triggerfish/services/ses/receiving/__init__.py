"""SES email receiving: receipt rule sets, the SMTP listener and the receipt actions.

Locally, nothing is scanned or authenticated: every verdict (spam, virus, SPF, DKIM, DMARC) is
``PASS``, so ``dmarcPolicy`` (present only when DMARC fails) never appears. The listener serves the
local machine in plain text, and a rule's ``TlsPolicy: Require`` is treated as met. Bounce actions
are logged and notified, not mailed; WorkMail and Connect actions are skipped with a log line.
"""

from triggerfish.services.ses.receiving.actions import ActionOutcome, Disposition
from triggerfish.services.ses.receiving.models import ReceiptRule, RuleSet
from triggerfish.services.ses.receiving.ports import RecipientPolicy, SyncInvoker
from triggerfish.services.ses.receiving.receiver import MailReceiver, ReceiptOutcome
from triggerfish.services.ses.receiving.rules import ReceiptRules
from triggerfish.services.ses.receiving.smtp import SmtpListener

__all__ = [
    "ActionOutcome",
    "Disposition",
    "MailReceiver",
    "ReceiptOutcome",
    "ReceiptRule",
    "ReceiptRules",
    "RecipientPolicy",
    "RuleSet",
    "SmtpListener",
    "SyncInvoker",
]
