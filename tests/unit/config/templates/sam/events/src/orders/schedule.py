def handler(event, context):
    return {"handled": "schedule"}
