"""Every read of tracing, scoped: the exposure search (exposure.py), check-ins to confirm (matching.py)
and the reconciliation report (reconciliation.py)."""
