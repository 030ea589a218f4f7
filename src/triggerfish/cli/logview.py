"""Function logs in the terminal: each line prefixed with its function's name, one colour per function."""

from __future__ import annotations

import os
import sys
from typing import TextIO

from triggerfish.runtime.logs import LogEvent

_PALETTE = ("36", "35", "33", "32", "34", "96", "95", "93", "92", "94")
RESET = "\x1b[0m"


def use_colour(stream: TextIO) -> bool:
    """Colour on a terminal; ``NO_COLOR`` turns it off and ``FORCE_COLOR`` on, as is the convention."""
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return stream.isatty()


class TerminalLogSink:
    """A ``LogSink`` printing every function's output as it arrives."""

    def __init__(self, stream: TextIO | None = None, *, colour: bool | None = None) -> None:
        self._stream = stream or sys.stdout
        self._colour = use_colour(self._stream) if colour is None else colour
        self._colours: dict[str, str] = {}
        self._width = 0
        #: function name -> the shorter name the app's definition knows it by
        self.display_names: dict[str, str] = {}

    def paint(self, text: str, code: str) -> str:
        return f"\x1b[{code}m{text}{RESET}" if self._colour else text

    def emit(self, event: LogEvent) -> None:
        name = self.display_names.get(event.function_name, event.function_name)
        code = self._colours.setdefault(name, _PALETTE[len(self._colours) % len(_PALETTE)])
        self._width = max(self._width, len(name))
        prefix = self.paint(name.ljust(self._width), code) + " │ "
        # the runtime turns newlines inside one log record into carriage returns
        lines = event.message.replace("\r", "\n").rstrip("\n").split("\n")
        self._stream.write("".join(f"{prefix}{line.rstrip()}\n" for line in lines))
        self._stream.flush()
