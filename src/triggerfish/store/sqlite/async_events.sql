-- name: insert
INSERT INTO async_events (id, function, payload, enqueued_at, due_at, attempts, invoke_count, last_result)
VALUES (:id, :function, :payload, :enqueued_at, :due_at, :attempts, :invoke_count, :last_result)

-- name: select_due
-- "claimed = 0" must appear as written for SQLite to use the partial index async_events_due.
SELECT seq, id, function, payload, enqueued_at, due_at, attempts, invoke_count, last_result
FROM async_events
WHERE claimed = 0 AND due_at <= :now
ORDER BY due_at, seq
LIMIT :limit

-- name: mark_claimed
UPDATE async_events SET claimed = 1 WHERE seq = :seq

-- name: reschedule
UPDATE async_events
SET claimed = 0, due_at = :due_at, attempts = :attempts, invoke_count = :invoke_count,
    last_result = :last_result
WHERE id = :id

-- name: delete
DELETE FROM async_events WHERE id = :id

-- name: release_all_claims
UPDATE async_events SET claimed = 0 WHERE claimed = 1

-- name: next_due
SELECT min(due_at) FROM async_events WHERE claimed = 0

-- name: count
SELECT count(*) FROM async_events
