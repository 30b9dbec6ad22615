"""Beside the standard layout: qr (place codes drawn as SVG and PNG images)."""
