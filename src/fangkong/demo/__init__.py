"""steps lists what `fangkong demo-data` builds, in order; county builds the regions, accounts and
residents; each area has its generator module (screening, quarantine, checkpoints, reports) and, where
it is big, helper modules named after it (quarantine_orders, checkpoint_traffic, …)."""
