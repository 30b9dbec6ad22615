"""Beside the standard layout: identity (ID numbers and phones: normalising, digests, masking),
cleaning (a person's fields validated without the database, shared with the ledger importer) and
reviews (the writes of registrations held for review, 人员登记核实)."""
