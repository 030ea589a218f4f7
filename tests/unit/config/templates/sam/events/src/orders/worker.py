def handler(event, context):
    return {"handled": "worker"}
