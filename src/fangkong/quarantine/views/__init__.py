"""Pages of isolation and follow-up: follow-ups (followups.py), orders (orders.py), observation sites
(sites.py), transfer requests (transfers.py), policies (policies.py); what they share in common.py."""
