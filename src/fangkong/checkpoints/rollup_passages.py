"""Counter sources and roll-up figures of checkpoints and passages (see rollup_tasks for the pattern)."""
