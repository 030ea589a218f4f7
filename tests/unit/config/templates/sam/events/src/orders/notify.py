def handler(event, context):
    return {"handled": "notify"}
