-- Resource configurations and Lambda's internal queue of asynchronous invocations.

CREATE TABLE documents (
    kind TEXT NOT NULL,
    scope TEXT NOT NULL,
    name TEXT NOT NULL,
    body TEXT NOT NULL,
    revision INTEGER NOT NULL CHECK (revision >= 1),
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL,
    PRIMARY KEY (kind, scope, name)
) WITHOUT ROWID;

-- seq is the rowid: a new row always gets a larger one than every row present, so it records
-- enqueue order among the events that are waiting, which breaks ties between equal due times.
CREATE TABLE async_events (
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

-- Only waiting events are indexed: claiming one drops it out of the index, so claim_due and
-- next_due read the head of a short index instead of skipping over events in flight.
CREATE INDEX async_events_due ON async_events (due_at, seq) WHERE claimed = 0;
