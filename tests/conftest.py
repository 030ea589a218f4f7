"""Fixtures every test directory shares."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

#: set by .ci/run, which installs the AWS CLI v2: there a missing CLI is a failure, not a skip
REQUIRE_AWS_CLI_V2 = "TRIGGERFISH_REQUIRE_AWS_CLI_V2"


@pytest.fixture(scope="session")
def aws_cli_v2() -> str:
    """An AWS CLI v2 (the one on PATH, or Debian's awscli package's): `aws logs tail` is a v2 command, and
    PyPI carries only v1."""
    for aws in (shutil.which("aws"), "/usr/bin/aws"):
        if aws is None or not os.path.exists(aws):
            continue
        version = subprocess.run([aws, "--version"], capture_output=True, text=True, check=False).stdout
        if version.startswith("aws-cli/2"):
            return aws
    if os.environ.get(REQUIRE_AWS_CLI_V2):
        pytest.fail("the AWS CLI v2 is not installed (Debian: apt-get install awscli)")
    pytest.skip("needs the AWS CLI v2 (Debian: apt-get install awscli)")
