"""Pure logic with no I/O: clocks, ids, ARNs, errors, patterns and schedules."""
