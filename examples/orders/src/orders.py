"""An order pipeline, written exactly as it would be for AWS Lambda.

``place`` takes an order (invoked directly, or as ``POST /orders`` on the app's HTTP API), hands it to
``fulfil`` asynchronously and announces it on the app's event bus, where a rule sends it to ``track``.
Every order is kept in the orders table; ``tally`` follows the table's stream and keeps per-status counts
in the totals table. ``report`` runs every minute on a cron schedule. ``ingest`` places every order of a JSON
file uploaded under ``incoming/`` of the uploads bucket. ``fulfil`` succeeds or fails; when it ships an
order it announces it on the shipments topic, which fans it out to ``invoice`` (every shipment) and
``express_desk`` (express shipments only, by a filter policy). Lambda then sends a record of the outcome to a
destination: ``notify`` on success, and on failure
(after the async retries are spent) the failed-orders SQS queue, which ``audit_failure`` consumes in
batches. A record it cannot audit is reported as a failed batch item: SQS delivers it again, and
after three receives moves it to the dead-letter queue.

``lookup`` answers ``GET /orders/{orderId}`` on the app's REST API and ``totals`` its function URL.
``activity`` counts the actions on the activity Kinesis stream; ``sweep`` runs every minute on an
EventBridge Scheduler schedule. ``alert`` is subscribed to fulfil's log group and counts the ERROR lines it
is sent. Email to ``orders@`` the orders domain goes through an SES receipt rule to ``inbox``, which places
the order named in the subject and confirms it by email; a photo uploaded to the photos bucket is labelled
by ``inspect`` with Rekognition and reported by email.
"""

import base64
import gzip
import json
import logging
import os
import time
import uuid
from decimal import Decimal
from urllib.parse import unquote_plus

import boto3
from botocore.exceptions import ClientError

logger = logging.getLogger()
logger.setLevel(logging.INFO)

# Clients are made once per execution environment and reused while it stays warm.
lambda_client = boto3.client("lambda")
events_client = boto3.client("events")
s3_client = boto3.client("s3")
sns_client = boto3.client("sns")
ses_client = boto3.client("ses")
sts_client = boto3.client("sts")
rekognition_client = boto3.client("rekognition")
dynamodb = boto3.resource("dynamodb")
orders_table = dynamodb.Table(os.environ.get("ORDERS_TABLE", "orders"))
totals_table = dynamodb.Table(os.environ.get("TOTALS_TABLE", "totals"))


def place(event, context):
    from_http = "requestContext" in event  # an HTTP API request (payload format 2.0)
    order = event.get("body", event)
    if event.get("isBase64Encoded"):  # HTTP APIs base64-encode bodies that are not text (a form post)
        order = base64.b64decode(order).decode()
    if isinstance(order, str):
        try:
            order = json.loads(order or "{}")
        except ValueError:
            return {"statusCode": 400, "body": json.dumps({"message": "the order must be JSON"})}
    items = order.get("items") or []
    order_id = order.get("orderId") or uuid.uuid4().hex[:12]
    logger.info("placing order %s with %d item(s)", order_id, len(items))
    shipment = {"orderId": order_id, "items": items, "priority": order.get("priority", "standard")}
    orders_table.put_item(
        Item={
            "orderId": order_id,
            "status": "placed",
            "placedAt": Decimal(str(round(time.time(), 3))),
            "items": items,
            "priority": shipment["priority"],
        }
    )
    lambda_client.invoke(
        FunctionName=os.environ["FULFIL_FUNCTION"], InvocationType="Event", Payload=json.dumps(shipment).encode()
    )
    events_client.put_events(
        Entries=[
            {
                "EventBusName": os.environ["ORDERS_BUS"],
                "Source": "orders.place",
                "DetailType": "OrderPlaced",
                "Detail": json.dumps({"orderId": order_id, "items": items}),
            }
        ]
    )
    accepted = {"orderId": order_id, "status": "accepted", "items": len(items)}
    if from_http:
        return {"statusCode": 202, "headers": {"content-type": "application/json"}, "body": json.dumps(accepted)}
    return accepted


def fulfil(event, context):
    """Fails for an empty order or one with an item out of stock, so retries and the failure destination show."""
    unavailable = [*os.environ.get("OUT_OF_STOCK", "").split(","), "poison"]
    out_of_stock = [item for item in event["items"] if item in unavailable]
    if not event["items"] or out_of_stock:
        raise RuntimeError(f"order {event['orderId']} cannot be fulfilled: {out_of_stock or 'no items'}")
    try:
        # only an order that was placed and not yet shipped moves on (a conditional write)
        orders_table.update_item(
            Key={"orderId": event["orderId"]},
            UpdateExpression="SET #status = :shipped, shippedAt = :now",
            ConditionExpression="attribute_exists(orderId) AND #status = :placed",
            ExpressionAttributeNames={"#status": "status"},
            ExpressionAttributeValues={
                ":shipped": "shipped",
                ":placed": "placed",
                ":now": Decimal(str(round(time.time(), 3))),
            },
        )
    except ClientError as error:
        if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
            raise
        print(f"order {event['orderId']} was already shipped")
        return {"orderId": event["orderId"], "shipped": 0}
    print(json.dumps({"shipped": event["orderId"], "items": event["items"]}))
    priority = event.get("priority", "standard")
    sns_client.publish(
        TopicArn=os.environ["SHIPMENTS_TOPIC"],
        Subject="OrderShipped",
        Message=json.dumps({"orderId": event["orderId"], "items": event["items"]}),
        MessageAttributes={"priority": {"DataType": "String", "StringValue": priority}},
    )
    return {"orderId": event["orderId"], "shipped": len(event["items"])}


def notify(event, context):
    """On-success destination: the invocation record of a fulfilled order."""
    result = event["responsePayload"]
    print(f"order {result['orderId']} shipped {result['shipped']} item(s)")
    return {"notified": result["orderId"]}


def audit_failure(event, context):
    """SQS consumer of the failed-orders queue; each message body is a failure record from Lambda."""
    failures = []
    for record in event["Records"]:
        failure = json.loads(record["body"])
        if "DDBStreamBatchInfo" in failure:
            # tally gave up on a batch of table changes: the record names them, it does not carry them
            batch = failure["DDBStreamBatchInfo"]
            condition = failure["requestContext"]["condition"]
            print(f"{batch['batchSize']} order change(s) could not be tallied ({condition})")
            continue
        order = failure["requestPayload"]
        if "poison" in order["items"]:
            # cannot be audited: only this message goes back to the queue (ReportBatchItemFailures)
            receives = record["attributes"]["ApproximateReceiveCount"]
            print(f"order {order['orderId']} cannot be audited (receive {receives})")
            failures.append({"itemIdentifier": record["messageId"]})
            continue
        error = failure["responsePayload"]
        print(
            f"order {order['orderId']} failed after {failure['requestContext']['approximateInvokeCount']} attempt(s): "
            f"{error['errorType']}: {error['errorMessage']}"
        )
    return {"batchItemFailures": failures}


def track(event, context):
    """Event-bus consumer: a rule on the orders bus matches every event whose source starts with ``orders``."""
    detail = event["detail"]
    print(f"tracking order {detail['orderId']} ({event['detail-type']} from {event['source']}, event {event['id']})")
    return {"tracked": detail["orderId"]}


def report(event, context):
    """The per-minute job (a cron scheduled rule): the rule's event says which tick it is for."""
    print(f"report for {event['time']} ({event['resources'][0].rsplit('/', 1)[-1]})")
    count("report#runs")
    return {"reportedAt": event["time"]}


def ingest(event, context):
    """Upload processor: S3 notifies it of every ``incoming/*.json`` file; each order in it is placed."""
    for record in event["Records"]:
        bucket = record["s3"]["bucket"]["name"]
        key = unquote_plus(record["s3"]["object"]["key"])  # keys arrive URL-encoded in notifications
        orders = json.loads(s3_client.get_object(Bucket=bucket, Key=key)["Body"].read())
        for order in orders:
            lambda_client.invoke(
                FunctionName=os.environ["PLACE_FUNCTION"], InvocationType="Event", Payload=json.dumps(order).encode()
            )
        print(f"ingested {len(orders)} order(s) from s3://{bucket}/{key}")
    return {"files": len(event["Records"])}


def invoice(event, context):
    """Shipments topic subscriber: every shipped order is invoiced."""
    for record in event["Records"]:
        shipment = json.loads(record["Sns"]["Message"])
        print(f"invoicing order {shipment['orderId']} ({record['Sns']['Subject']})")


def express_desk(event, context):
    """Shipments topic subscriber whose filter policy lets only express shipments through."""
    for record in event["Records"]:
        shipment = json.loads(record["Sns"]["Message"])
        priority = record["Sns"]["MessageAttributes"]["priority"]["Value"]
        print(f"express desk: order {shipment['orderId']} is {priority}")


def tally(event, context):
    """Orders table stream consumer: keeps per-status counts in the totals table as orders change.

    Each record carries the item's old and new images (NEW_AND_OLD_IMAGES); a status change moves one
    order from one count to the other with atomic ADD updates."""
    changes = {}
    for record in event["Records"]:
        images = record["dynamodb"]
        old = images.get("OldImage", {}).get("status", {}).get("S")
        new = images.get("NewImage", {}).get("status", {}).get("S")
        if old != new:
            if old:
                changes[old] = changes.get(old, 0) - 1
            if new:
                changes[new] = changes.get(new, 0) + 1
    for status, delta in changes.items():
        if delta:
            totals_table.update_item(
                Key={"metric": f"status#{status}"},
                UpdateExpression="ADD #count :delta",
                ExpressionAttributeNames={"#count": "count"},
                ExpressionAttributeValues={":delta": delta},
            )
    print(f"tallied {len(event['Records'])} change(s): {json.dumps(changes, sort_keys=True)}")
    return {"changes": changes}


def count(metric, delta=1):
    """Adds ``delta`` to one of the totals table's counters (an atomic ADD)."""
    totals_table.update_item(
        Key={"metric": metric},
        UpdateExpression="ADD #count :delta",
        ExpressionAttributeNames={"#count": "count"},
        ExpressionAttributeValues={":delta": delta},
    )


def lookup(event, context):
    """``GET /orders/{orderId}`` on the REST API (a Lambda proxy integration)."""
    order_id = event["pathParameters"]["orderId"]
    item = orders_table.get_item(Key={"orderId": order_id}).get("Item")
    print(f"lookup {order_id}: {item['status'] if item else 'unknown'}")
    if item is None:
        return {"statusCode": 404, "body": json.dumps({"message": f"no order {order_id}"})}
    body = {"orderId": order_id, "status": item["status"], "items": item.get("items", [])}
    return {"statusCode": 200, "headers": {"content-type": "application/json"}, "body": json.dumps(body)}


def totals(event, context):
    """The function URL: every counter of the totals table, as JSON."""
    counters = {item["metric"]: int(item["count"]) for item in totals_table.scan()["Items"]}
    return {"statusCode": 200, "headers": {"content-type": "application/json"}, "body": json.dumps(counters)}


def activity(event, context):
    """Activity stream consumer: each Kinesis record is a JSON ``{"orderId", "action"}``."""
    actions = {}
    for record in event["Records"]:
        entry = json.loads(base64.b64decode(record["kinesis"]["data"]))
        actions[entry["action"]] = actions.get(entry["action"], 0) + 1
    for action, seen in actions.items():
        count(f"activity#{action}", seen)
    print(f"activity: {json.dumps(actions, sort_keys=True)}")
    return {"actions": actions}


def sweep(event, context):
    """Every minute (an EventBridge Scheduler schedule): how many orders are still waiting to ship."""
    waiting = orders_table.query(
        IndexName="byStatus",
        KeyConditionExpression="#status = :placed",
        ExpressionAttributeNames={"#status": "status"},
        ExpressionAttributeValues={":placed": "placed"},
        Select="COUNT",
    )["Count"]
    count("sweep#runs")
    print(f"sweep: {waiting} order(s) waiting to ship")
    return {"waiting": waiting}


def alert(event, context):
    """Subscribed to fulfil's log group with the filter pattern ERROR: CloudWatch Logs sends the matching
    lines gzipped and base64-encoded."""
    data = json.loads(gzip.decompress(base64.b64decode(event["awslogs"]["data"])))
    for log_event in data["logEvents"]:
        print(f"alert from {data['logGroup']}: {log_event['message'].strip()}")
    count("alerts#fulfil", len(data["logEvents"]))
    return {"alerts": len(data["logEvents"])}


def inbox(event, context):
    """SES receipt rule action: an email to orders@ whose subject is ``Order: <item>, <item>...``."""
    mail = event["Records"][0]["ses"]["mail"]
    subject = mail["commonHeaders"].get("subject", "")
    sender = (mail["commonHeaders"].get("from") or [mail["source"]])[0]  # no From header: the envelope sender
    if not subject.lower().startswith("order:"):
        print(f"inbox: ignoring {subject!r} from {sender}")
        return {"ignored": mail["messageId"]}
    items = [item.strip() for item in subject.split(":", 1)[1].split(",") if item.strip()]
    order = {"orderId": f"mail-{mail['messageId'][:12]}", "items": items}
    lambda_client.invoke(FunctionName=os.environ["PLACE_FUNCTION"], InvocationType="Event", Payload=json.dumps(order))
    ses_client.send_templated_email(
        Source=os.environ["ORDERS_ADDRESS"],
        Destination={"ToAddresses": [os.environ["TEAM_ADDRESS"]]},
        Template=os.environ["CONFIRMATION_TEMPLATE"],
        TemplateData=json.dumps({"orderId": order["orderId"], "sender": sender, "items": ", ".join(items)}),
    )
    print(f"inbox: order {order['orderId']} from {sender}: {', '.join(items)}")
    return {"placed": order["orderId"]}


def inspect(event, context):
    """Photo uploads: Rekognition labels each photo, and the team is told by email."""
    account = sts_client.get_caller_identity()["Account"]
    for record in event["Records"]:
        bucket = record["s3"]["bucket"]["name"]
        key = unquote_plus(record["s3"]["object"]["key"])
        image = s3_client.get_object(Bucket=bucket, Key=key)["Body"].read()
        labels = rekognition_client.detect_labels(Image={"Bytes": image}, MaxLabels=5, MinConfidence=50)["Labels"]
        names = [label["Name"] for label in labels]
        ses_client.send_email(
            Source=os.environ["ORDERS_ADDRESS"],
            Destination={"ToAddresses": [os.environ["TEAM_ADDRESS"]]},
            Message={
                "Subject": {"Data": f"Photo {key} inspected"},
                "Body": {"Text": {"Data": f"s3://{bucket}/{key} (account {account}): {', '.join(names)}"}},
            },
        )
        print(f"inspect: {key}: {', '.join(names)}")
    return {"photos": len(event["Records"])}
