"""Beside the standard layout: dashboard (the dashboard's and the brief's reads, from counters
only), brief_context (what the brief says, as plain data), problems (how the brief reads and groups the
problems the day's reports name, and names regions), rendering (the brief as a Word document),
charts (SVG and PNG charts), brief_default (writes the shipped Word template in templates_docx/)."""
