"""Deploying and redeploying DynamoDB tables and Kinesis streams from a template: what changes in place
keeps its data, as a CloudFormation stack update does."""

from __future__ import annotations

from pathlib import Path

from triggerfish.cloud import Cloud
from triggerfish.services.kinesis.records import PutEntry

SCOPE = "000000000000/us-east-1"

STREAM_AND_TABLE = """
Resources:
  Clicks:
    Type: AWS::Kinesis::Stream
    Properties:
      Name: deploy-clicks
      ShardCount: {shards}
      RetentionPeriodHours: {retention}
      Tags: [{{Key: team, Value: {team}}}]
  Notes:
    Type: AWS::DynamoDB::Table
    Properties:
      TableName: deploy-notes
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions:
        - {{AttributeName: id, AttributeType: S}}
{indexed}      KeySchema: [{{AttributeName: id, KeyType: HASH}}]
      StreamSpecification: {{StreamViewType: {view}}}
{indexes}
Outputs:
  StreamArn:
    Value: !GetAtt Notes.StreamArn
"""

OWNER = "        - {AttributeName: owner, AttributeType: S}\n"
BY_OWNER = """      GlobalSecondaryIndexes:
        - IndexName: byOwner
          KeySchema: [{AttributeName: owner, KeyType: HASH}]
          Projection: {ProjectionType: ALL}
"""


def _deploy(cloud: Cloud, folder: Path, **values: object) -> dict[str, str]:
    (folder / "template.yaml").write_text(STREAM_AND_TABLE.format(**values))
    return dict(cloud.deploy(folder).outputs)


def test_streams_and_tables_change_in_place_and_keep_their_data(cloud: Cloud, tmp_path: Path) -> None:
    folder = tmp_path / "streams"
    folder.mkdir()
    first = _deploy(cloud, folder, shards=1, retention=24, team="red", view="NEW_IMAGE", indexed="", indexes="")
    app = cloud.app
    cloud.run(app.kinesis.put_records(SCOPE, "deploy-clicks", [PutEntry(b"kept", "k")]))
    cloud.run(
        app.dynamodb.items.put_item(
            SCOPE, {"TableName": "deploy-notes", "Item": {"id": {"S": "n1"}, "owner": {"S": "ann"}}}
        )
    )

    second = _deploy(
        cloud, folder, shards=2, retention=48, team="blue", view="NEW_AND_OLD_IMAGES", indexed=OWNER, indexes=BY_OWNER
    )

    stream = app.kinesis.stream_config(SCOPE, "deploy-clicks")
    assert stream is not None and stream.retention_hours == 48 and dict(stream.tags) == {"team": "blue"}
    assert len([shard for shard in stream.shards if shard.is_open]) == 2
    first_shard = stream.shards[0].shard_id
    iterator = cloud.run(app.kinesis.get_shard_iterator(SCOPE, "deploy-clicks", first_shard, "TRIM_HORIZON"))
    assert [r.data for r in cloud.run(app.kinesis.get_records(iterator)).records] == [b"kept"]

    # the table kept its item, gained the index (backfilled) and a new stream with the new view type
    found = cloud.run(
        app.dynamodb.items.query(
            SCOPE,
            {
                "TableName": "deploy-notes",
                "IndexName": "byOwner",
                "KeyConditionExpression": "#o = :o",
                "ExpressionAttributeNames": {"#o": "owner"},
                "ExpressionAttributeValues": {":o": {"S": "ann"}},
            },
        )
    )
    assert [item["id"]["S"] for item in found["Items"]] == ["n1"]
    assert second["StreamArn"] != first["StreamArn"]
    described = cloud.run(app.dynamodb.describe_table(SCOPE, {"TableName": "deploy-notes"}))["Table"]
    assert described["StreamSpecification"]["StreamViewType"] == "NEW_AND_OLD_IMAGES"
    assert described["LatestStreamArn"] == second["StreamArn"]
