"""Email addresses as SES reads them: a bare address out of ``"Name" <a@b>``, its domain, and checks."""

from __future__ import annotations

from email.utils import getaddresses, parseaddr

from triggerfish.services.ses.errors import InvalidParameterValue

#: the mailbox simulator's domain: its addresses are accepted in the sandbox without verification
#: (SES developer guide, "Using the mailbox simulator")
SIMULATOR_DOMAIN = "simulator.amazonses.com"


def bare(address: str) -> str:
    """The address itself, without a display name or angle brackets."""
    return parseaddr(address)[1] or address.strip()


def domain_of(address: str) -> str:
    return bare(address).rpartition("@")[2].lower()


def normalized(address: str) -> str:
    """An address with its domain in lower case (the local part is kept: SES treats it as given)."""
    local, _, domain = bare(address).rpartition("@")
    return f"{local}@{domain.lower()}"


def is_simulator(address: str) -> bool:
    return domain_of(address) == SIMULATOR_DOMAIN


def check_address(address: str) -> None:
    """Refuse what SES refuses before sending (recorded SES answers: "Missing final '@domain'", "Local address
    contains control or whitespace", "Domain contains illegal character")."""
    found = bare(address)
    local, at, domain = found.rpartition("@")
    if not at or not domain:
        raise InvalidParameterValue("Missing final '@domain'")
    if not local:
        raise InvalidParameterValue("Missing local name")
    if any(ch.isspace() or ord(ch) < 32 for ch in local):
        raise InvalidParameterValue("Local address contains control or whitespace")
    if any(not (ch.isalnum() or ch in "-.") for ch in domain) or ".." in domain or domain.startswith("."):
        raise InvalidParameterValue("Domain contains illegal character")


def split_header(values: list[str]) -> tuple[str, ...]:
    """Addresses of header values (``To``, ``Cc``...), each as ``Name <a@b>`` or bare."""
    found: list[str] = []
    for name, address in getaddresses(values):
        if address:
            found.append(f"{name} <{address}>" if name else address)
    return tuple(found)
