"""Demo data of the daily report chain (a step of `fangkong demo-data`)."""


def reports_demo(options, log):
    pass
