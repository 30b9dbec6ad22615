"""Beside the standard layout: dashboard (the dashboard's and the brief's reads, from counters
only), brief_context (what the brief says, as plain data), rendering (the brief as a Word document),
charts (SVG and PNG charts), brief_default (writes the shipped Word template in templates_docx/)."""
