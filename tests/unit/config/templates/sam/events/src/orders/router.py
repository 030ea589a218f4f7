def handler(event, context):
    return {"handled": "router"}
