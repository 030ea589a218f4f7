"""Three small functions, written as they would be for AWS Lambda."""

import json
import logging
import os

logger = logging.getLogger()
logger.setLevel(logging.INFO)

# Module-level state survives between warm invocations of one execution environment.
INVOCATIONS = 0


def greet(event, context):
    global INVOCATIONS
    INVOCATIONS += 1
    name = event.get("name", "world")
    logger.info("greeting %s", name)
    return {
        "message": f"Hello, {name}!",
        "invocations_in_this_environment": INVOCATIONS,
        "pid": os.getpid(),
        "remaining_ms": context.get_remaining_time_in_millis(),
    }


def process_order(event, context):
    """Fails for orders without items, so asynchronous retries and destinations can be seen."""
    if not event.get("items"):
        raise ValueError(f"order {event.get('order_id')} has no items")
    print(json.dumps({"order": event["order_id"], "items": len(event["items"])}))
    return {"accepted": event["order_id"]}


def audit(event, context):
    """Receives invocation records from process_order's destinations."""
    condition = event["requestContext"]["condition"]
    print(f"audit: {event['requestContext']['functionArn']} -> {condition}")
    return {"condition": condition}
