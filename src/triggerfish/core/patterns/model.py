"""What a pattern asks of an event, independent of the dialect it was written in.

Each dialect (EventBridge patterns and ESM filters today, SNS filter policies later) compiles its
text to these values; matching works on them only.
"""

from __future__ import annotations

from dataclasses import dataclass

from triggerfish.core.patterns.cidr import IpRange
from triggerfish.core.patterns.wildcard import WildcardPattern


@dataclass(frozen=True)
class ExactString:
    value: str


@dataclass(frozen=True)
class ExactNumber:
    value: float


@dataclass(frozen=True)
class ExactLiteral:
    """JSON ``true``, ``false`` or ``null``."""

    value: bool | None


@dataclass(frozen=True)
class IpMatch:
    """An address range; exact IP-address strings in a pattern compile to a one-address range."""

    ip_range: IpRange


@dataclass(frozen=True)
class Prefix:
    value: str
    ignore_case: bool = False


@dataclass(frozen=True)
class Suffix:
    value: str
    ignore_case: bool = False


@dataclass(frozen=True)
class EqualsIgnoreCase:
    value: str


@dataclass(frozen=True)
class Wildcard:
    pattern: WildcardPattern


@dataclass(frozen=True)
class NumericRange:
    """``low``/``high`` of ``None`` mean unbounded on that side."""

    low: float | None
    low_open: bool
    high: float | None
    high_open: bool


@dataclass(frozen=True)
class Exists:
    """``{"exists": true}``: any leaf value."""


@dataclass(frozen=True)
class AnythingButStrings:
    values: frozenset[str]


@dataclass(frozen=True)
class AnythingButNumbers:
    values: frozenset[float]


@dataclass(frozen=True)
class AnythingButPrefix:
    values: tuple[str, ...]


@dataclass(frozen=True)
class AnythingButSuffix:
    values: tuple[str, ...]


@dataclass(frozen=True)
class AnythingButIgnoreCase:
    values: tuple[str, ...]


@dataclass(frozen=True)
class AnythingButWildcard:
    patterns: tuple[WildcardPattern, ...]


ValueTest = (
    ExactString
    | ExactNumber
    | ExactLiteral
    | IpMatch
    | Prefix
    | Suffix
    | EqualsIgnoreCase
    | Wildcard
    | NumericRange
    | Exists
    | AnythingButStrings
    | AnythingButNumbers
    | AnythingButPrefix
    | AnythingButSuffix
    | AnythingButIgnoreCase
    | AnythingButWildcard
)

EXACT_TESTS = (ExactString, ExactNumber, ExactLiteral)


@dataclass(frozen=True)
class FieldRule:
    """One flattened field path: some value there passes a test, or (``absent_ok``) none is there."""

    path: str
    tests: tuple[ValueTest, ...]
    absent_ok: bool

    @property
    def exact_only(self) -> bool:
        """True when only exact values can satisfy this field, which makes it indexable."""
        return not self.absent_ok and bool(self.tests) and all(isinstance(t, EXACT_TESTS) for t in self.tests)


@dataclass(frozen=True)
class SubRule:
    """One branch of a pattern after ``$or`` is expanded; fields in matching order."""

    fields: tuple[FieldRule, ...]


@dataclass(frozen=True)
class PatternAst:
    """A pattern matches when any of its sub-rules does."""

    sub_rules: tuple[SubRule, ...]
