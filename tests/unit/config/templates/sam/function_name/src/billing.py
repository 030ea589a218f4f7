def handler(event, context):
    return 0
