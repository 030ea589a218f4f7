"""Which recipients a receipt rule applies to (SES developer guide, "Recipient conditions")."""

from __future__ import annotations

from collections.abc import Sequence

from triggerfish.services.ses.receiving.models import ReceiptRule


def covers(entry: str, address: str) -> bool:
    """``user@example.com`` matches that address; ``example.com`` every address of the domain but not
    its subdomains; ``.example.com`` every subdomain but not the domain itself. Case does not matter."""
    entry = entry.lower()
    address = address.lower()
    if "@" in entry:
        return entry == address
    domain = address.rpartition("@")[2]
    if entry.startswith("."):
        return domain.endswith(entry)
    return domain == entry


def matched_recipients(rule: ReceiptRule, recipients: Sequence[str]) -> list[str]:
    """The recipients ``rule`` applies to; a rule without recipients applies to every (verified) one."""
    if not rule.recipients:
        return list(recipients)
    return [address for address in recipients if any(covers(entry, address) for entry in rule.recipients)]
