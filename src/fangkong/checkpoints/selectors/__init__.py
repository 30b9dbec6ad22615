"""Every read of checkpoints (checkpoints.py) and passages (passages.py), scoped."""
