"""Lambda: functions, invocation (sync, async, dry run), concurrency, destinations."""
