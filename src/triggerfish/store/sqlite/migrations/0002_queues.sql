-- SQS messages and FIFO deduplication entries: the durable log behind each queue's in-memory state.

-- seq is the rowid: it records the order messages were appended, which is the order a queue is
-- reloaded in (and, for FIFO queues, sequence-number order).
CREATE TABLE sqs_messages (
    seq INTEGER PRIMARY KEY,
    queue TEXT NOT NULL,
    id TEXT NOT NULL,
    body TEXT NOT NULL,
    attributes TEXT NOT NULL,
    sent_at REAL NOT NULL,
    visible_at REAL NOT NULL,
    receive_count INTEGER NOT NULL DEFAULT 0,
    first_received_at REAL,
    group_id TEXT,
    deduplication_id TEXT,
    sequence_number TEXT
);

CREATE UNIQUE INDEX sqs_messages_by_id ON sqs_messages (queue, id);

CREATE TABLE sqs_deduplication (
    queue TEXT NOT NULL,
    key TEXT NOT NULL,
    message_id TEXT NOT NULL,
    sequence_number TEXT NOT NULL,
    expires_at REAL NOT NULL,
    PRIMARY KEY (queue, key)
) WITHOUT ROWID;

CREATE INDEX sqs_deduplication_expiry ON sqs_deduplication (expires_at);
