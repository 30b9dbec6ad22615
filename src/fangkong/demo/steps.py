"""What `fangkong demo-data` builds, in order. Later areas append their own step here."""

from fangkong.quarantine.demo import quarantine_demo
from fangkong.reports.demo import reports_demo
from fangkong.screening.demo import screening_demo

from . import county
from .checkpoints import checkpoints_demo


def base_county(options, log):
    villages = county.build_regions(options["villages_per_township"], options["grids_per_village"])
    log(f"regions: {len(villages)} villages")
    county.build_accounts()
    log(f"accounts: {len(county.demo_accounts())}")
    made = county.build_residents(villages, options["residents"])
    log(f"residents: {made}")


STEPS = [base_county, screening_demo, quarantine_demo, checkpoints_demo, reports_demo]
