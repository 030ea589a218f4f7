def handler(event, context):
    return "core"
