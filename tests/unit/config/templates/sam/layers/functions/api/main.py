from common import greet


def handler(event, context):
    return greet("layer")
