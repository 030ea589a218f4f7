"""An order pipeline, written exactly as it would be for AWS Lambda.

``place`` takes an order and hands it to ``fulfil`` asynchronously. ``fulfil`` succeeds or fails;
Lambda then sends a record of the outcome to a destination: ``notify`` on success, ``audit_failure``
on failure (after the async retries are spent).
"""

import json
import logging
import os
import uuid

import boto3

logger = logging.getLogger()
logger.setLevel(logging.INFO)

# Clients are made once per execution environment and reused while it stays warm.
lambda_client = boto3.client("lambda")


def place(event, context):
    order = event.get("body", event)
    if isinstance(order, str):
        order = json.loads(order)
    items = order.get("items") or []
    order_id = order.get("orderId") or uuid.uuid4().hex[:12]
    logger.info("placing order %s with %d item(s)", order_id, len(items))
    lambda_client.invoke(
        FunctionName=os.environ["FULFIL_FUNCTION"],
        InvocationType="Event",
        Payload=json.dumps({"orderId": order_id, "items": items}).encode(),
    )
    return {"orderId": order_id, "status": "accepted", "items": len(items)}


def fulfil(event, context):
    """Fails for an empty order or one with an item out of stock, so retries and the failure destination show."""
    out_of_stock = [item for item in event["items"] if item in os.environ.get("OUT_OF_STOCK", "").split(",")]
    if not event["items"] or out_of_stock:
        raise RuntimeError(f"order {event['orderId']} cannot be fulfilled: {out_of_stock or 'no items'}")
    print(json.dumps({"shipped": event["orderId"], "items": event["items"]}))
    return {"orderId": event["orderId"], "shipped": len(event["items"])}


def notify(event, context):
    """On-success destination: the invocation record of a fulfilled order."""
    result = event["responsePayload"]
    print(f"order {result['orderId']} shipped {result['shipped']} item(s)")
    return {"notified": result["orderId"]}


def audit_failure(event, context):
    """On-failure destination: the record of an order that failed every attempt."""
    order = event["requestPayload"]
    error = event["responsePayload"]
    print(
        f"order {order['orderId']} failed after {event['requestContext']['approximateInvokeCount']} attempt(s): "
        f"{error['errorType']}: {error['errorMessage']}"
    )
    return {"audited": order["orderId"]}
