def handler(event, context):
    return "local"
