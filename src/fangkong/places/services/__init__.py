"""Every write of key places (places.py) and the public check-in (check_ins.py)."""
