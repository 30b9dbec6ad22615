"""Every read of key places (places.py) and of place codes and check-ins (check_ins.py)."""
