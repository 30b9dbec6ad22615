"""Beside the standard layout: deadlines (each county's daily deadline), report_table (the report
page's tables as finished rows) and exports (the reports as .xlsx sheets)."""
