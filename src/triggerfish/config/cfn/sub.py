"""The text of ``Fn::Sub``: literal runs and ``${Name}`` variables, ``${!Literal}`` written as ``${Literal}``."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Fn::Sub: variable names contain only alphanumeric characters, underscores, periods and colons
_NAME = re.compile(r"[A-Za-z0-9_.:]+")


class SubSyntaxError(ValueError):
    """A ``${...}`` whose name is not a valid variable name."""


@dataclass(frozen=True)
class Variable:
    name: str

    @property
    def resource_attribute(self) -> tuple[str, str] | None:
        """``Res.Attr`` -> ``("Res", "Attr")`` (split at the first period, as Fn::GetAtt's short form)."""
        if "." not in self.name:
            return None
        resource, attribute = self.name.split(".", 1)
        return resource, attribute


def parse_sub(text: str) -> list[str | Variable]:
    """``"arn:${AWS::Partition}:s3:::${Bucket}/*"`` -> ``["arn:", Variable("AWS::Partition"), ...]``."""
    parts: list[str | Variable] = []
    literal: list[str] = []
    position = 0
    while True:
        start = text.find("${", position)
        end = text.find("}", start + 2) if start >= 0 else -1
        if start < 0 or end < 0:
            literal.append(text[position:])
            break
        literal.append(text[position:start])
        inner = text[start + 2 : end]
        if inner.startswith("!"):
            literal.append("${" + inner[1:] + "}")
        else:
            name = inner.strip()
            if not _NAME.fullmatch(name):
                raise SubSyntaxError(name)
            if literal:
                parts.append("".join(literal))
                literal = []
            parts.append(Variable(name))
        position = end + 1
    tail = "".join(literal)
    if tail:
        parts.append(tail)
    return [part for part in parts if part != ""]


def variable_names(text: str) -> list[str]:
    """The variables ``text`` names, in order; nothing for text that is not valid Fn::Sub syntax."""
    try:
        return [part.name for part in parse_sub(text) if isinstance(part, Variable)]
    except SubSyntaxError:
        return []
