"""DynamoDB (``dynamodb``) and DynamoDB Streams (``dynamodbstreams``): tables, items, expressions, streams, TTL."""
