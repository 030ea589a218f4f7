-- name: get
SELECT kind, scope, name, body, revision, created_at, updated_at
FROM documents
WHERE kind = :kind AND scope = :scope AND name = :name

-- name: current_revision
SELECT revision, created_at
FROM documents
WHERE kind = :kind AND scope = :scope AND name = :name

-- name: insert
INSERT INTO documents (kind, scope, name, body, revision, created_at, updated_at)
VALUES (:kind, :scope, :name, :body, 1, :now, :now)

-- name: update
UPDATE documents
SET body = :body, revision = :revision, updated_at = :now
WHERE kind = :kind AND scope = :scope AND name = :name

-- name: delete
DELETE FROM documents
WHERE kind = :kind AND scope = :scope AND name = :name

-- name: list_in_scope
-- A negative :limit means no limit.
SELECT kind, scope, name, body, revision, created_at, updated_at
FROM documents
WHERE kind = :kind AND scope = :scope AND (:after IS NULL OR name > :after)
ORDER BY scope, name
LIMIT :limit

-- name: list_all_scopes
SELECT kind, scope, name, body, revision, created_at, updated_at
FROM documents
WHERE kind = :kind AND (:after IS NULL OR name > :after)
ORDER BY scope, name
LIMIT :limit
