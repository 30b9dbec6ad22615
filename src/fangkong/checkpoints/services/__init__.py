"""Every write of checkpoints (checkpoints.py: sites, duty shifts, five-haves inspections) and passages
(passages.py), and the passage form's ID look-up (lookups.py)."""
