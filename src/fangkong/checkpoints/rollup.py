"""What checkpoints, places, check-ins and arrival tasks contribute to the daily roll-up.

One module per area registers its counter sources and its columns of the roll-up table
(see fangkong.analytics.counters / figures); importing them here, in column order, is all.
"""

from . import rollup_passages, rollup_places, rollup_tasks  # noqa: F401
