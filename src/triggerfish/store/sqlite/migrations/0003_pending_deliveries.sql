-- Pending deliveries of EventBridge and Scheduler targets: work due at a time, the same shape as
-- Lambda's async_events (see async_events.py, which names these tables).

CREATE TABLE pending_events (
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

CREATE INDEX pending_events_due ON pending_events (due_at, seq) WHERE claimed = 0;

CREATE TABLE pending_scheduler (
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

CREATE INDEX pending_scheduler_due ON pending_scheduler (due_at, seq) WHERE claimed = 0;
