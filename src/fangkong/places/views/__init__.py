"""Pages of key places (places.py) and the public check-in a place code leads to (check_in.py)."""
