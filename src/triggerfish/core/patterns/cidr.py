"""IP addresses and CIDR blocks in patterns and events (§4.3 ``cidr``)."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass

# Only text shaped like an address is treated as one; anything else stays a plain string.
_IPV4_SHAPE = re.compile(r"[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+")
_IPV6_SHAPE = re.compile(r"[0-9a-fA-F:]*:[0-9a-fA-F:]*")
_INT_TEXT = re.compile(r"[+-]?[0-9]+")
_INT32_MAX = 2**31 - 1


class CidrError(ValueError):
    """A malformed address or block; the message is AWS's reason text."""


@dataclass(frozen=True)
class IpRange:
    """Addresses ``low..high`` inclusive of one family (4 or 16 bytes)."""

    width: int
    low: int
    high: int

    def contains(self, address: tuple[int, int]) -> bool:
        return address[0] == self.width and self.low <= address[1] <= self.high


def _parse_ipv4(text: str) -> int | None:
    value = 0
    for part in text.split("."):
        # Octets are read as decimal even with leading zeros.
        if int(part) > 255:
            return None
        value = value * 256 + int(part)
    return value


def parse_address(text: str) -> tuple[int, int] | None:
    """``(width in bytes, value)`` of an address literal, or ``None`` when ``text`` is not one."""
    if _IPV4_SHAPE.fullmatch(text):
        v4 = _parse_ipv4(text)
        return None if v4 is None else (4, v4)
    if _IPV6_SHAPE.fullmatch(text):
        try:
            v6 = ipaddress.IPv6Address(text)
        except ValueError:
            return None
        # An IPv4-mapped IPv6 literal is read as the IPv4 address it carries.
        if v6.ipv4_mapped is not None:
            return (4, int(v6.ipv4_mapped))
        return (16, int(v6))
    return None


def address_range(text: str) -> IpRange | None:
    """A one-address range for an exact-match string that is an address literal."""
    address = parse_address(text)
    if address is None:
        return None
    return IpRange(address[0], address[1], address[1])


def parse_cidr(text: str) -> IpRange:
    """Parse ``{"cidr": text}``; raises :class:`CidrError` with AWS's reason."""
    parts = text.split("/")
    while parts and parts[-1] == "":
        parts.pop()
    if len(parts) != 2:
        raise CidrError("Malformed CIDR, one '/' required")
    if not _INT_TEXT.fullmatch(parts[1]) or abs(int(parts[1])) > _INT32_MAX:
        raise CidrError("Malformed CIDR, mask bits must be an integer")
    mask = int(parts[1])
    if mask < 0:
        raise CidrError("Malformed CIDR, mask bits must not be negative")
    ip_text = parts[0]
    if not (_IPV4_SHAPE.fullmatch(ip_text) or _IPV6_SHAPE.fullmatch(ip_text)):
        raise CidrError(f"Nonstandard IP address: {ip_text}")
    address = parse_address(ip_text)
    if address is None:
        raise CidrError(f"Invalid IP address: {ip_text}")
    width, base = address
    if width == 4 and mask > 31:
        raise CidrError("IPv4 mask bits must be < 32")
    if width == 16 and mask > 127:
        raise CidrError("IPv6 mask bits must be < 128")
    host_mask = (1 << (width * 8 - mask)) - 1
    return IpRange(width, base & ~host_mask, base | host_mask)
