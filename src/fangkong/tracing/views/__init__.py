"""Pages of tracing: the exposure search (exposure.py), confirming check-ins (matching.py) and the
reconciliation (reconciliation.py)."""
