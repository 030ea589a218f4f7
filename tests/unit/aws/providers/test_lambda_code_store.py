"""Unpacking deployment packages: nothing may land outside the package's own folder."""

from __future__ import annotations

import io
import stat
import zipfile
from pathlib import Path

import pytest

from triggerfish.core.errors import InvalidParameterValue
from triggerfish.services.lambda_ import code
from triggerfish.services.lambda_.code import CodeStore


def archive(*members: tuple[zipfile.ZipInfo | str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        for info, data in members:
            package.writestr(info, data)
    return buffer.getvalue()


def special(name: str, kind: int) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.external_attr = (kind | 0o777) << 16
    return info


def test_unpacks_into_a_folder_named_by_digest(tmp_path: Path) -> None:
    store = CodeStore(tmp_path)
    package = store.unpack("fn", archive(("app.py", b"x = 1"), ("pkg/mod.py", b"y = 2")))
    assert package.created and package.directory.parent == tmp_path / "fn"
    assert (package.directory / "pkg" / "mod.py").read_bytes() == b"y = 2"
    again = store.unpack("fn", archive(("app.py", b"x = 1"), ("pkg/mod.py", b"y = 2")))
    assert again.directory == package.directory and not again.created and again.sha256 == package.sha256


def test_keeps_the_executable_bit(tmp_path: Path) -> None:
    package = CodeStore(tmp_path).unpack("fn", archive((special("run.sh", stat.S_IFREG), b"#!/bin/sh")))
    assert (package.directory / "run.sh").stat().st_mode & 0o111


@pytest.mark.parametrize(
    "name", ["../up.py", "/abs.py", "a/../../up.py", "..\\up.py", "C:/up.py", "a/../../../etc/passwd"]
)
def test_refuses_paths_that_escape(tmp_path: Path, name: str) -> None:
    root = tmp_path / "code"
    with pytest.raises(InvalidParameterValue):
        CodeStore(root).unpack("fn", archive(("ok.py", b""), (name, b"bad")))
    assert not list(tmp_path.rglob("up.py")) and not list(tmp_path.rglob("abs.py"))
    assert not any(p.name.startswith(".staging") for p in root.rglob("*"))


@pytest.mark.parametrize("kind", [stat.S_IFLNK, stat.S_IFCHR, stat.S_IFBLK, stat.S_IFIFO, stat.S_IFSOCK])
def test_refuses_links_and_special_files(tmp_path: Path, kind: int) -> None:
    with pytest.raises(InvalidParameterValue, match="Links and special files"):
        CodeStore(tmp_path).unpack("fn", archive((special("thing", kind), b"/etc/passwd")))


def test_refuses_what_is_not_a_zip(tmp_path: Path) -> None:
    with pytest.raises(InvalidParameterValue, match="Could not unzip"):
        CodeStore(tmp_path).unpack("fn", b"PK\x03\x04 not really")


def test_counts_what_is_inflated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(code, "MAX_UNZIPPED_BYTES", 1000)
    with pytest.raises(InvalidParameterValue, match="Unzipped size"):
        CodeStore(tmp_path).unpack("fn", archive(("big.bin", b"\0" * 5000)))


def test_a_name_given_twice_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidParameterValue), pytest.warns(UserWarning):
        CodeStore(tmp_path).unpack("fn", archive(("a.py", b"1"), ("a.py", b"2")))


def test_refuses_a_function_name_that_is_a_path(tmp_path: Path) -> None:
    with pytest.raises(InvalidParameterValue):
        CodeStore(tmp_path).unpack("../x", archive(("a.py", b"1")))


def test_discards_only_its_own_folders(tmp_path: Path) -> None:
    outside = tmp_path / "mine"
    outside.mkdir()
    store = CodeStore(tmp_path / "code")
    store.discard(outside)
    assert outside.is_dir()
    package = store.unpack("fn", archive(("a.py", b"1")))
    store.discard(package.directory)
    assert not package.directory.exists()


def test_an_ephemeral_store_makes_its_folder_on_first_use() -> None:
    store = CodeStore(None)
    package = store.unpack("fn", archive(("a.py", b"1")))
    assert package.directory.is_relative_to(store.root) and store.root.name.startswith("triggerfish-code-")
