def handler(event, context):
    return []


def create(event, context):
    return {}
