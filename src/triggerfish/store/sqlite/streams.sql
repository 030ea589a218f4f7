-- name: insert_record
INSERT INTO stream_records (stream, shard, position, arrival, partition_key, data)
VALUES (?, ?, ?, ?, ?, ?)

-- name: read_from_start
-- A negative :limit means no limit.
SELECT stream, shard, position, arrival, partition_key, data
FROM stream_records
WHERE stream = :stream AND shard = :shard
ORDER BY position
LIMIT :limit

-- name: read_after
SELECT stream, shard, position, arrival, partition_key, data
FROM stream_records
WHERE stream = :stream AND shard = :shard AND position > :after
ORDER BY position
LIMIT :limit

-- name: first_at
SELECT min(position)
FROM stream_records
WHERE stream = :stream AND shard = :shard AND arrival >= :arrival

-- name: last_positions
SELECT shard, max(position)
FROM stream_records
WHERE stream = :stream
GROUP BY shard

-- name: trim
DELETE FROM stream_records
WHERE stream = :stream AND arrival < :before

-- name: drop_stream
DELETE FROM stream_records
WHERE stream = :stream

-- name: put_item
INSERT INTO table_items (table_id, key, body)
VALUES (?, ?, ?)
ON CONFLICT (table_id, key) DO UPDATE SET body = excluded.body

-- name: delete_item
DELETE FROM table_items
WHERE table_id = ? AND key = ?

-- name: load_items
SELECT key, body
FROM table_items
WHERE table_id = :table_id
ORDER BY key

-- name: drop_table
DELETE FROM table_items
WHERE table_id = :table_id
