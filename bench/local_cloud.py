"""What the service benchmarks set up alike: a function to trigger, and boto3 clients of the endpoint."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config

from triggerfish.app import App
from triggerfish.services.lambda_.models import FunctionConfig

REGION = "us-east-1"
NOOP_HANDLER = "def handler(event, context):\n    return None\n"


async def add_function(app: App, folder: Path, name: str = "noop", source: str = NOOP_HANDLER) -> FunctionConfig:
    """A function ``name`` whose module ``<name>.py`` (in ``folder/code``) holds ``source``."""
    code = folder / "code"
    code.mkdir(exist_ok=True)
    (code / f"{name}.py").write_text(source)
    return await app.lambda_.create_function(name, handler=f"{name}.handler", code_dir=code, timeout=30)


def client(app: App, service: str, *, path_style: bool = False) -> Any:
    """A boto3 client of the app's endpoint that tries each call once (a retry would hide a failure)."""
    assert app.endpoint_url is not None
    s3 = {"s3": {"addressing_style": "path"}} if path_style else {}
    return boto3.client(
        service,
        endpoint_url=app.endpoint_url,
        region_name=REGION,
        aws_access_key_id="bench",
        aws_secret_access_key="bench",
        config=Config(retries={"total_max_attempts": 1}, **s3),
    )
