"""Fixtures of the checkpoint tests (helper A); helpers B and F keep theirs in helpers_b.py / helpers_f.py."""

import pytest

from fangkong.checkpoints.services import risk_areas


@pytest.fixture(autouse=True)
def _fresh_risk_areas():
    """The active risk areas are cached per process: a test never sees another test's (rolled back) areas."""
    risk_areas.clear_cache()
    yield
    risk_areas.clear_cache()
