"""What `fangkong demo-data` builds, in order. Later areas append their own step here."""

from . import county
from .checkpoints import checkpoints_demo
from .quarantine import quarantine_demo
from .reports import reports_demo
from .screening import screening_demo


def base_county(options, log):
    villages = county.build_regions(options["villages_per_township"], options["grids_per_village"])
    log(f"regions: {len(villages)} villages")
    county.build_accounts()
    log(f"accounts: {len(county.demo_accounts())}")
    made = county.build_residents(villages, options["residents"])
    log(f"residents: {made}")


STEPS = [base_county, screening_demo, quarantine_demo, checkpoints_demo, reports_demo]
