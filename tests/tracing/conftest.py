"""The shared fixtures of the roadside, places, tracing and arrival-task tests."""

from tests.checkpoints.fixtures import (  # noqa: F401  fixtures, found by name
    cp,
    fresh_risk_areas,
    hq,
    staff,
    staff_b,
    supervisor,
    town,
    town_b,
    worker_a1,
    worker_b1,
)
