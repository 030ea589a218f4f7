-- name: insert_message
-- A message id a queue already holds is replaced (a redrive back to a queue it came from).
INSERT OR REPLACE INTO sqs_messages (
    queue, id, body, attributes, sent_at, visible_at, receive_count, first_received_at,
    group_id, deduplication_id, sequence_number
)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)

-- name: insert_deduplication
INSERT OR REPLACE INTO sqs_deduplication (queue, key, message_id, sequence_number, expires_at)
VALUES (?, ?, ?, ?, ?)

-- name: delete_message
DELETE FROM sqs_messages WHERE queue = ? AND id = ?

-- name: update_receipt
UPDATE sqs_messages
SET visible_at = ?, receive_count = ?, first_received_at = ?
WHERE queue = ? AND id = ?

-- name: delete_queue_messages
DELETE FROM sqs_messages WHERE queue = :queue

-- name: delete_queue_deduplication
DELETE FROM sqs_deduplication WHERE queue = :queue

-- name: select_messages
SELECT queue, id, body, attributes, sent_at, visible_at, receive_count, first_received_at,
       group_id, deduplication_id, sequence_number
FROM sqs_messages
WHERE queue = :queue
ORDER BY seq

-- name: select_deduplication
SELECT queue, key, message_id, sequence_number, expires_at
FROM sqs_deduplication
WHERE queue = :queue AND expires_at > :now
ORDER BY expires_at, key

-- name: prune_deduplication
DELETE FROM sqs_deduplication WHERE expires_at <= :now

-- name: select_queues
SELECT DISTINCT queue FROM sqs_messages
UNION
SELECT DISTINCT queue FROM sqs_deduplication
ORDER BY queue
