-- Pending deliveries of SNS subscriptions: a notification waiting for its next delivery attempt,
-- the same shape as the other pending_<name> tables (see async_events.py, which names them).

CREATE TABLE pending_sns (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    function TEXT NOT NULL,
    payload BLOB NOT NULL,
    enqueued_at REAL NOT NULL,
    due_at REAL NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    invoke_count INTEGER NOT NULL DEFAULT 0,
    last_result TEXT,
    claimed INTEGER NOT NULL DEFAULT 0 CHECK (claimed IN (0, 1))
);

CREATE INDEX pending_sns_due ON pending_sns (due_at, seq) WHERE claimed = 0;
