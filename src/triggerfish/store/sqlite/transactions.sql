-- Transaction control for the writer's group commit: one transaction per batch, one savepoint
-- per operation inside it, so a failing operation is undone without undoing its neighbours.

-- name: begin
-- IMMEDIATE takes the write lock up front: a deferred transaction that later needs to write can
-- fail with SQLITE_BUSY halfway through a batch if another process holds the lock.
BEGIN IMMEDIATE

-- name: commit
COMMIT

-- name: rollback
ROLLBACK

-- name: savepoint
SAVEPOINT operation

-- name: release
RELEASE operation

-- name: rollback_to
ROLLBACK TO operation
