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
from tests.tracing.case_fixtures import doctor_a, epi, policies, viewer  # noqa: F401  the case and lab tests' fixtures
