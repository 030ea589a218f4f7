"""``KEY=VALUE`` files for ``up --env-file`` and ``invoke --env-file``."""

from __future__ import annotations

from pathlib import Path

import pytest

from triggerfish.cli.envfile import read_env_file


def test_comments_blank_lines_export_and_quotes(tmp_path: Path) -> None:
    path = tmp_path / ".env"
    path.write_text("# settings\n\nexport TABLE=orders\nGREETING='hello world'\nURL=http://x?a=b\n")
    assert read_env_file(path, ["TABLE=override"]) == {
        "TABLE": "override",
        "GREETING": "hello world",
        "URL": "http://x?a=b",
    }


def test_a_line_without_equals_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / ".env"
    path.write_text("JUSTAKEY\n")
    with pytest.raises(ValueError, match="not KEY=VALUE: JUSTAKEY"):
        read_env_file(path)
