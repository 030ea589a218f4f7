def handler(event, context):
    return "src"
