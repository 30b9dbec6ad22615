"""Every write of checkpoints, places, check-ins and the reconciliation. One module per area."""
