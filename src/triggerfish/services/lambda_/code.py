"""Deployment packages: zip files unpacked, safely, into folders triggerfish owns.

A package lands in ``<root>/<function>/<hex sha256 of the zip>/``. Nothing in the archive may
write outside that folder: every member's path is checked, and links, devices and other special
files are refused rather than created.
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import shutil
import stat
import tempfile
import uuid
import weakref
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from triggerfish.core.errors import InvalidParameterValue, RequestTooLarge

# Lambda's quotas for a .zip deployment package (spec §1.5 settings; Lambda quotas page).
MAX_ZIPPED_BYTES = 52_428_800  # 50 MB uploaded directly
MAX_UNZIPPED_BYTES = 262_144_000  # 250 MB unzipped
MAX_MEMBERS = 20_000
_CHUNK = 1 << 16
_CANNOT_UNZIP = "Could not unzip uploaded file. Please check your file, then try to upload again."


@dataclass(frozen=True)
class Package:
    """An unpacked deployment package and the digest AWS reports for it."""

    directory: Path
    #: base64 SHA-256 of the zip, as ``CodeSha256``
    sha256: str
    #: size of the zip in bytes, as ``CodeSize``
    size: int
    #: whether this call created the folder (so a failed create may remove it again)
    created: bool


class CodeStore:
    """Unpacked packages under ``root``; with ``root=None`` a temporary folder removed at exit."""

    def __init__(self, root: Path | None) -> None:
        self._root = root.resolve() if root is not None else None

    @property
    def root(self) -> Path:
        if self._root is None:
            self._root = Path(tempfile.mkdtemp(prefix="triggerfish-code-")).resolve()
            weakref.finalize(self, shutil.rmtree, self._root, True)
        return self._root

    def unpack(self, function_name: str, archive: bytes) -> Package:
        """Unpack ``archive`` for ``function_name``; the same bytes reuse the folder already there."""
        if len(archive) > MAX_ZIPPED_BYTES:
            raise RequestTooLarge(f"Zipped size must be smaller than {MAX_ZIPPED_BYTES} bytes")
        digest = hashlib.sha256(archive)
        target = self.root / _safe_name(function_name) / digest.hexdigest()
        package = Package(target, base64.b64encode(digest.digest()).decode(), len(archive), created=False)
        if target.is_dir():
            return package
        staging = target.parent / f".staging-{uuid.uuid4().hex}"
        staging.mkdir(parents=True)
        try:
            _extract(archive, staging)
            try:
                staging.rename(target)
            except OSError:
                if not target.is_dir():
                    raise
                return package  # another request unpacked the same bytes first
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        return Package(target, package.sha256, package.size, created=True)

    def owns(self, directory: str | Path) -> bool:
        return Path(directory).resolve().is_relative_to(self.root)

    def discard(self, directory: str | Path) -> None:
        """Remove a package folder this store made; anything else is left alone."""
        path = Path(directory).resolve()
        if path != self.root and self.owns(path):
            shutil.rmtree(path, ignore_errors=True)


def _safe_name(function_name: str) -> str:
    # Function names match [a-zA-Z0-9-_]+ (the model's pattern); refuse anything else outright.
    if not function_name or not all(c.isalnum() or c in "-_" for c in function_name):
        raise InvalidParameterValue(f"Invalid function name: {function_name!r}")
    return function_name


def _extract(archive: bytes, destination: Path) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(archive)) as package:
            members = package.infolist()
            if len(members) > MAX_MEMBERS:
                raise InvalidParameterValue(f"The deployment package has more than {MAX_MEMBERS} entries.")
            budget = [MAX_UNZIPPED_BYTES]
            for member in members:
                _extract_member(package, member, destination, budget)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, NotImplementedError, RuntimeError):
        raise InvalidParameterValue(_CANNOT_UNZIP) from None
    except (FileExistsError, IsADirectoryError, NotADirectoryError):
        raise InvalidParameterValue(f"{_CANNOT_UNZIP} The package names one path twice.") from None


def _member_path(name: str) -> PurePosixPath:
    if "\\" in name or "\0" in name:
        raise InvalidParameterValue(f"{_CANNOT_UNZIP} Invalid entry name: {name!r}")
    path = PurePosixPath(name)
    if path.is_absolute() or any(part == ".." for part in path.parts) or (path.parts and ":" in path.parts[0]):
        raise InvalidParameterValue(f"{_CANNOT_UNZIP} Entry escapes the package: {name!r}")
    return path


def _extract_member(package: zipfile.ZipFile, member: zipfile.ZipInfo, destination: Path, budget: list[int]) -> None:
    relative = _member_path(member.filename)
    mode = member.external_attr >> 16
    kind = stat.S_IFMT(mode)
    if member.is_dir():
        if kind not in (0, stat.S_IFDIR):
            raise InvalidParameterValue(f"{_CANNOT_UNZIP} Special file in package: {member.filename!r}")
        _inside(destination, relative).mkdir(parents=True, exist_ok=True)
        return
    if kind not in (0, stat.S_IFREG):
        raise InvalidParameterValue(f"{_CANNOT_UNZIP} Links and special files are not allowed: {member.filename!r}")
    if not relative.parts:
        return
    path = _inside(destination, relative)
    path.parent.mkdir(parents=True, exist_ok=True)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    permissions = 0o755 if mode & 0o111 else 0o644
    with package.open(member) as source, os.fdopen(os.open(path, flags, permissions), "wb") as sink:
        while chunk := source.read(_CHUNK):
            # Count what is actually inflated: a member's declared size may lie.
            budget[0] -= len(chunk)
            if budget[0] < 0:
                raise InvalidParameterValue(f"Unzipped size must be smaller than {MAX_UNZIPPED_BYTES} bytes")
            sink.write(chunk)


def _inside(destination: Path, relative: PurePosixPath) -> Path:
    path = (destination / Path(*relative.parts)).resolve()
    if not path.is_relative_to(destination.resolve()):
        raise InvalidParameterValue(f"{_CANNOT_UNZIP} Entry escapes the package: {relative}")
    return path
