"""Every write of tracing: the exposure search's record and export (exposure.py), confirming check-ins
(matching.py) and the reconciliation (reconciliation.py)."""
