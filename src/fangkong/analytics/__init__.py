"""Beside the standard layout, the roll-up machinery every app shares: counters (the counters and
their rebuild), figures (the registry of the daily roll-up table's figures) and reports (that table as
JSON, xlsx sheets and page headers)."""
