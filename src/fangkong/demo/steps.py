"""What `fangkong demo-data` builds, in order, all on one clock (demo.clock: the demo days ending today).

First the county and who works in it, then whoever comes onto the ledger (the sweeps, the checkpoints),
then the daily work over everyone on it (isolation and follow-ups, the daily checks), last the daily
reports, which freeze the figures of all of that. A later area appends its step where it belongs, before
`reports_demo`. The outbreak (`tracing_demo`) comes after the daily checks and the pharmacies: its people are
residents nothing else touched, and it writes their ledger entries, orders, follow-ups and checks itself.
"""

import random

from . import county
from .checkpoints import checkpoints_demo
from .clock import clock_of
from .medical import medical_demo
from .quarantine import quarantine_demo
from .quarantine_staff import Staff
from .reports import reports_demo
from .screening import checks_demo, screening_demo
from .tracing import tracing_demo


def base_county(options, log):
    villages = county.build_regions(options["villages_per_township"], options["grids_per_village"])
    log(f"regions: {len(villages)} villages")
    county.build_accounts()
    log(f"accounts: {len(county.demo_accounts())}")
    made = county.build_residents(villages, options["residents"], today=clock_of(options).today)
    log(f"residents: {made}")
    staff = Staff.build(random.Random(2020_01_21))
    log(f"village cadres and doctors: {staff.created}")


STEPS = [base_county, screening_demo, checkpoints_demo, quarantine_demo, checks_demo, medical_demo, tracing_demo,
         reports_demo]
