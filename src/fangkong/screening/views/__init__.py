"""Pages of screening: the key-person ledger (ledger.py), sweeps (sweeps.py) and arrival tasks
(arrival_tasks.py); what they share in common.py."""
