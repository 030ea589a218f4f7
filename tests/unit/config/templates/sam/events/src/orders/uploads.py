def handler(event, context):
    return {"handled": "uploads"}
