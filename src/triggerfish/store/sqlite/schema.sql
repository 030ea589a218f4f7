-- The bookkeeping of schema migrations.

-- name: create_schema_migrations
CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at REAL NOT NULL
)

-- name: applied_versions
SELECT version, name FROM schema_migrations ORDER BY version

-- name: is_applied
SELECT 1 FROM schema_migrations WHERE version = :version

-- name: record_applied
INSERT INTO schema_migrations (version, name, applied_at) VALUES (:version, :name, :applied_at)
