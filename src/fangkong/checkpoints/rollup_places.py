"""Counter sources and roll-up figures of places, hygiene logs and check-ins (see rollup_tasks for the pattern)."""
