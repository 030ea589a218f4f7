"""The one error an app definition can raise: it names the file, the place in it, and the problem."""

from __future__ import annotations

from pathlib import Path

from triggerfish.core.errors import ValidationError


class TemplateError(ValidationError):
    """An app definition that cannot be loaded or deployed.

    ``str()`` and ``message`` read ``<file>: <where>: <problem>``, e.g.
    ``template.yaml: Resources.HelloFunction: Unresolved resource dependencies [Missing] ...``.
    """

    def __init__(self, problem: str, *, file: Path | str | None = None, where: str | None = None) -> None:
        self.problem = problem
        self.file = Path(file) if file is not None else None
        self.where = where
        parts = [str(self.file.name if self.file else ""), where or "", problem]
        super().__init__(": ".join(part for part in parts if part))

    def located(self, *, file: Path | str | None = None, where: str | None = None) -> TemplateError:
        """The same problem with a file and/or location filled in where they were missing."""
        return TemplateError(
            self.problem,
            file=self.file if self.file is not None else file,
            where=self.where if self.where is not None else where,
        )
