"""Beside the standard layout, the import machinery in named modules: columns (the header row and
what each column holds), cells (cell values the way villages type them), rows (one row to values or
errors), importing (a whole file read and checked before anything is written) and bulk (inserting tens
of thousands of rows)."""
