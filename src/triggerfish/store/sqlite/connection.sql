-- Settings applied to every connection when it is opened.

-- name: journal_mode_wal
-- Answers the mode now in force: 'wal' for a file, 'memory' for an in-memory database.
PRAGMA journal_mode = WAL

-- name: synchronous_normal
-- In WAL mode, NORMAL writes every commit to the log before COMMIT returns but does not fsync it:
-- a killed process loses nothing committed; only a power loss or OS crash could.
PRAGMA synchronous = NORMAL

-- name: foreign_keys_on
PRAGMA foreign_keys = ON
