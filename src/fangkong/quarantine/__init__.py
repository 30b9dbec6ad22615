"""Beside the standard layout: schedule (a quarantine's time arithmetic: local days, planned ends,
follow-up slots), defaults (the default policy set) and notices (the order's printable notice and
pledge as DOCX)."""
