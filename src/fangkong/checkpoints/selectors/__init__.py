"""Every read of checkpoints, places, check-ins and the reconciliation, scoped. One module per area."""
