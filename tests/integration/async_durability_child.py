"""Run by test_async_durability: accept asynchronous invocations and announce each one.

Usage: python async_durability_child.py DATA_DIR OUTPUT COUNT

Each line on stdout is the request id of an Event invoke that has been answered with 202, so the
test may kill this process at any moment and expect every announced invocation to run eventually.
After the last one it waits to be killed.
"""

from __future__ import annotations

import sys
import threading
from pathlib import Path

import triggerfish

RECORDER = Path(__file__).resolve().parents[1] / "fixtures" / "functions" / "durable"


def main(data_dir: str, output: str, count: int) -> None:
    with triggerfish.local(data_dir=data_dir, port=None) as cloud:
        cloud.create_function("recorder", handler="recorder.handler", code_dir=RECORDER, environment={"OUTPUT": output})
        for number in range(count):
            result = cloud.invoke("recorder", {"n": number}, invocation_type="Event")
            assert result.status_code == 202
            sys.stdout.write(result.request_id + "\n")
            sys.stdout.flush()
        threading.Event().wait()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
