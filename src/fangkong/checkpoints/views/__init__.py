"""Pages of checkpoints (checkpoints.py: sites, shifts, inspections) and passages (passages.py)."""
