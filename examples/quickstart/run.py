"""A tour of triggerfish's Lambda engine: sync, async with retries and destinations, warm reuse.

python examples/quickstart/run.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import triggerfish
from triggerfish.runtime.logs import LogEvent

HERE = Path(__file__).resolve().parent


class PrintLogs:
    """Stream every function's log (START / END / REPORT and its output) to the terminal."""

    def emit(self, event: LogEvent) -> None:
        for line in event.message.replace("\r", "\n").splitlines():
            print(f"  [{event.function_name}] {line}")


def main() -> int:
    with triggerfish.local(data_dir=None, sink=PrintLogs()) as cloud:
        cloud.create_function("greet", handler="handlers.greet", code_dir=HERE, timeout=5)
        cloud.create_function("process-order", handler="handlers.process_order", code_dir=HERE)
        cloud.create_function("audit", handler="handlers.audit", code_dir=HERE)
        audit_arn = cloud.get_function("audit").arn
        cloud.set_async_config("process-order", maximum_retry_attempts=1, on_success=audit_arn, on_failure=audit_arn)

        print("Synchronous invocations (the second one is warm: same process, state kept):")
        for _ in range(2):
            result = cloud.invoke("greet", {"name": "triggerfish"})
            print("  ->", result.json())

        print("\nAsynchronous invocations (202 once stored; one succeeds, one fails and is retried once):")
        for order in ({"order_id": "A-1", "items": ["fish food"]}, {"order_id": "A-2", "items": []}):
            print("  ->", cloud.invoke("process-order", order, invocation_type="Event").status_code)
        cloud.settle()

        print("\nEvery invocation, as recorded:")
        for record in cloud.invocations:
            outcome = record.error_type or "ok"
            kind = "cold" if record.cold else "warm"
            timing = f"{record.duration_ms:7.2f} ms"
            print(f"  {record.function_name:14} {record.invocation_type:15} {kind}  {timing}  {outcome}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
