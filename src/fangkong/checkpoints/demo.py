"""Demo data of checkpoints, places and check-ins (a step of `fangkong demo-data`)."""


def checkpoints_demo(options, log):
    pass
