-- The durable logs of change streams (Kinesis shards, DynamoDB Streams) and the durable copy of
-- DynamoDB tables. Positions are assigned by the services; a record's key is (stream, shard, position).

CREATE TABLE stream_records (
    stream TEXT NOT NULL,
    shard TEXT NOT NULL,
    position INTEGER NOT NULL,
    arrival REAL NOT NULL,
    partition_key TEXT NOT NULL,
    data BLOB NOT NULL,
    PRIMARY KEY (stream, shard, position)
) WITHOUT ROWID;

CREATE INDEX stream_records_by_arrival ON stream_records (stream, arrival);

CREATE TABLE table_items (
    table_id TEXT NOT NULL,
    key TEXT NOT NULL,
    body BLOB NOT NULL,
    PRIMARY KEY (table_id, key)
) WITHOUT ROWID;
