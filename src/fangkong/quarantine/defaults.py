"""The default policy set: the early-2020 national rules (14 days, temperature twice a day).

Plain data on purpose: the data migration installs it, and `install_default_policies` can
put back a missing category (demo data, tests that flushed the table). It never changes an
existing policy: once installed, policies belong to the headquarters admins.
"""

from decimal import Decimal

TWICE_DAILY = ["08:00", "18:00"]
# What migration 0002 gave each policy, before a policy could leave the fever threshold to the
# deployment's setting (migration 0006 clears it again where it is this value).
SEEDED_FEVER_THRESHOLD = Decimal("37.3")

# category: (kind, length in days, counts from, release needs negative tests)
DEFAULT_POLICIES = {
    # 疫区返乡: home isolation, 14 days from arrival
    "returnee": ("home", 14, "arrival", False),
    # 发热咳嗽: home observation from the day it starts (sent to the fever clinic when it persists)
    "fever": ("home", 14, "order_start", False),
    # 密切接触者: centralised medical observation, 14 days from the last exposure
    "close_contact": ("centralised", 14, "last_exposure", False),
    # 次密接: home observation, 14 days from the last exposure (to the close contact)
    "secondary_contact": ("home", 14, "last_exposure", False),
    # 疑似 / 确诊 / 无症状: centralised; release needs negative nucleic-acid tests
    "suspected": ("centralised", 14, "order_start", True),
    "confirmed": ("centralised", 14, "order_start", True),
    "asymptomatic": ("centralised", 14, "order_start", True),
    # 过境流动: home observation, 14 days from arrival
    "transient": ("home", 14, "arrival", False),
}


def install_default_policies(policy_model) -> int:
    """Create the missing default policies (works with the historical model in a migration). They have no
    fever threshold of their own: their follow-ups use the deployment's (core.health.fever_threshold)."""
    own = policy_model._meta.get_field("fever_threshold").null
    created = 0
    for category, (kind, days, counts_from, tests) in DEFAULT_POLICIES.items():
        _obj, made = policy_model.objects.get_or_create(category=category, defaults={
            "kind": kind, "length_days": days, "counts_from": counts_from, "follow_up_times": list(TWICE_DAILY),
            "fever_threshold": None if own else SEEDED_FEVER_THRESHOLD, "release_needs_negative_tests": tests})
        created += made
    return created
