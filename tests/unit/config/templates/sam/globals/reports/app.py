def handler(event, context):
    return "report"
