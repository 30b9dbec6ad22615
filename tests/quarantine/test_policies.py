"""Policies: the default set, editing by headquarters admins, and orders keeping their copy."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from fangkong.accounts.models import Role
from fangkong.audit.models import AuditEntry
from fangkong.quarantine import selectors, services
from fangkong.quarantine.models import QuarantinePolicy
from tests import factories as f

from .helpers import days_ago, key_person, slots, start


def test_default_policy_set_is_the_early_2020_national_rules(db):
    policies = {p.category: p for p in QuarantinePolicy.objects.all()}
    assert set(policies) == {"returnee", "fever", "close_contact", "secondary_contact", "suspected", "confirmed",
                             "asymptomatic", "transient"}
    for p in policies.values():
        assert p.length_days == 14
        assert p.follow_up_times == ["08:00", "18:00"]
        assert p.fever_threshold is None and p.fever_from == Decimal("37.3")  # the deployment's
    assert (policies["returnee"].kind, policies["returnee"].counts_from) == ("home", "arrival")
    assert (policies["close_contact"].kind, policies["close_contact"].counts_from) == ("centralised", "last_exposure")
    assert policies["secondary_contact"].kind == "home"
    assert policies["fever"].kind == "home"
    assert {policies[c].kind for c in ("suspected", "confirmed", "asymptomatic")} == {"centralised"}
    assert policies["asymptomatic"].release_needs_negative_tests
    assert not policies["returnee"].release_needs_negative_tests


def test_hq_admin_edits_a_policy_and_it_is_audited(hq):
    policy = QuarantinePolicy.objects.get(category="returnee")
    services.update_policy(hq, policy, length_days=7, follow_up_times=["18:00", "8:00", "12:30"],
                           fever_threshold="37.5")
    policy.refresh_from_db()
    assert policy.length_days == 7
    assert policy.follow_up_times == ["08:00", "12:30", "18:00"]
    assert policy.fever_threshold == Decimal("37.5")
    entry = AuditEntry.objects.get(action="quarantine_policy.update")
    assert entry.before["length_days"] == 14 and entry.after["length_days"] == 7
    assert entry.actor == hq


@pytest.mark.parametrize("role", [Role.HQ_STAFF, Role.TOWNSHIP_STAFF, Role.DOCTOR])
def test_only_hq_admins_edit_policies(tree, role):
    policy = QuarantinePolicy.objects.get(category="returnee")
    with pytest.raises(PermissionDenied):
        services.update_policy(f.user("someone", role, f.COUNTY), policy, length_days=7)
    policy.refresh_from_db()
    assert policy.length_days == 14


def test_a_township_admin_reads_the_county_policy_but_cannot_change_it(tree):
    """The policies bind every order of the county, so they are the county's setting."""
    town_admin = f.user("town_admin", Role.HQ_ADMIN, f.TOWN_A)
    policy = selectors.policy_for(town_admin, "close_contact")
    with pytest.raises(PermissionDenied) as refused:
        services.update_policy(town_admin, policy, length_days=21)
    assert "孝昌县" in str(refused.value)
    policy.refresh_from_db()
    assert policy.length_days == 14
    assert not AuditEntry.objects.filter(action="quarantine_policy.update").exists()


def test_a_city_admin_changes_the_policy_of_a_county_deployment(tree):
    """Admins above the deployment's region may change its settings too; the change is audited in its region."""
    city_admin = f.user("city_admin", Role.HQ_ADMIN, "420900000000")
    services.update_policy(city_admin, QuarantinePolicy.objects.get(category="close_contact"), length_days=21)
    assert QuarantinePolicy.objects.get(category="close_contact").length_days == 21
    assert AuditEntry.objects.get(action="quarantine_policy.update").region_id == f.COUNTY


@pytest.mark.parametrize(("changes", "field"), [
    ({"length_days": 0}, "length_days"),
    ({"length_days": 365}, "length_days"),
    ({"follow_up_times": ["25:00"]}, "follow_up_times"),
    ({"follow_up_times": []}, "follow_up_times"),
    ({"fever_threshold": "42"}, "fever_threshold"),
    ({"kind": "hotel"}, "kind"),
    ({"counts_from": "birth"}, "counts_from"),
])
def test_bad_policy_values_are_refused_by_field(hq, changes, field):
    policy = QuarantinePolicy.objects.get(category="returnee")
    with pytest.raises(ValidationError) as exc:
        services.update_policy(hq, policy, **changes)
    assert field in exc.value.message_dict
    policy.refresh_from_db()
    assert policy.length_days == 14 and policy.follow_up_times == ["08:00", "18:00"]


def test_policy_edits_do_not_change_started_orders(hq, cadre, doctor):
    before = start(hq, cadre=cadre, doctor=doctor)
    planned, times = before.planned_end, slots(before)
    services.update_policy(hq, QuarantinePolicy.objects.get(category="returnee"), length_days=7,
                           follow_up_times=["09:00"], fever_threshold="38.0", kind="centralised")
    before.refresh_from_db()
    assert (before.length_days, before.follow_up_times, before.fever_threshold, before.kind) == (
        14, ["08:00", "18:00"], None, "home")
    assert before.planned_end == planned
    assert slots(before) == times

    site = services.create_site(hq, name="县宾馆", region_code=f.COUNTY, address="县城路1号", rooms=[("101", 2)])
    after = start(hq, key_person(arrival=days_ago(3)), cadre=cadre, doctor=doctor, site=site)
    assert (after.length_days, after.follow_up_times, after.kind) == (7, ["09:00"], "centralised")
    assert after.planned_end - after.counted_from == datetime.timedelta(days=7)
    assert {t.strftime("%H:%M") for t in slots(after)} == {"09:00"}
