"""Pages of screening: the key-person ledger (ledger.py) and sweeps (sweeps.py)."""
