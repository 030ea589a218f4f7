"""Message attributes as SQS and SNS accept them on send and publish."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class MessageAttribute:
    """One attribute: a data type (``String``, ``Number``, ``Binary``, ``String.Array``, or one of these with a
    custom suffix such as ``Number.int``) and its value, text for every type but binary."""

    data_type: str
    string_value: str | None = None
    binary_value: bytes | None = None

    @property
    def is_binary(self) -> bool:
        # a custom type keeps its base type's transport: "Binary.gif" is binary
        return self.data_type.split(".", 1)[0] == "Binary"
