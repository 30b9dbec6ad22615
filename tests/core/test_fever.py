"""One fever threshold: the setting FANGKONG_FEVER_THRESHOLD decides a fever in every register and roll-up;
a quarantine policy's own threshold decides it for the follow-ups of its orders only."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from fangkong.accounts.models import Role
from fangkong.analytics import counters
from fangkong.checkpoints.selectors import passages as passage_selectors
from fangkong.core.health import fever_threshold, is_fever
from fangkong.quarantine import services as quarantine_services
from fangkong.quarantine.defaults import install_default_policies
from fangkong.quarantine.models import QuarantinePolicy
from fangkong.screening import services as screening_services
from tests import factories as f
from tests.checkpoints.builders import checkpoint, passage
from tests.quarantine.helpers import days_ago, key_person, start


@pytest.fixture
def people(tree):
    install_default_policies(QuarantinePolicy)
    return {
        "hq": f.user("hq", Role.HQ_ADMIN, f.COUNTY),
        "worker": f.user("worker", Role.VILLAGE_WORKER, f.VILLAGE_A1),
        "doctor": f.user("doctor", Role.DOCTOR, f.VILLAGE_A1),
        "staff": f.user("staff", Role.CHECKPOINT_STAFF, f.TOWN_A),
    }


def _fevers_found(kp_temperature, people) -> int:
    kp = key_person(arrival=days_ago(2))
    screening_services.record_daily_check(people["worker"], kp, temperature=kp_temperature, method="phone")
    return counters.figures([f.VILLAGE_A1], timezone.localdate())[f.VILLAGE_A1].get("fevers_found", 0)


def _passage_fever(people, temperature="37.5", outcome="fever_clinic") -> int:
    cp = checkpoint(people["hq"], name=f"卡点{temperature}{outcome}")
    passage(people["staff"], cp, temperature=temperature, outcome=outcome)
    return passage_selectors.day_figures(cp, timezone.localdate())["fevers"]


def _follow_up_fever(people, temperature="37.5") -> bool:
    order = start(people["hq"], cadre=people["worker"], doctor=people["doctor"])
    return quarantine_services.record_follow_up(people["doctor"], order, temperature=temperature, method="visit").fever


def test_the_default_is_37_3():
    assert fever_threshold() == Decimal("37.3")
    assert is_fever("37.3") and not is_fever(Decimal("37.2")) and not is_fever(None)


def test_at_the_default_37_5_is_a_fever_everywhere(people):
    assert _fevers_found("37.5", people) == 1
    assert _passage_fever(people) == 1
    with pytest.raises(ValidationError, match="达到发热标准"):
        _passage_fever(people, outcome="pass")
    assert _follow_up_fever(people) is True


def test_raising_the_setting_changes_the_daily_check_roll_up_a_passage_and_a_follow_up(people, settings):
    settings.FANGKONG_FEVER_THRESHOLD = Decimal("38.0")
    assert _fevers_found("37.5", people) == 0
    assert _passage_fever(people, outcome="pass") == 0  # 37.5 may pass: it is no fever now
    assert _follow_up_fever(people) is False
    settings.FANGKONG_FEVER_THRESHOLD = Decimal("37.0")
    assert _follow_up_fever(people, "37.1") is True


def test_a_policy_threshold_applies_to_its_follow_ups_only(people, settings):
    settings.FANGKONG_FEVER_THRESHOLD = Decimal("38.0")
    policy = QuarantinePolicy.objects.get(category="returnee")
    assert policy.fever_threshold is None and policy.fever_from == Decimal("38.0")
    quarantine_services.update_policy(people["hq"], policy, fever_threshold="37.0")
    # follow-ups of an order started under the policy: its 37.0
    assert _follow_up_fever(people, "37.1") is True
    # the same temperature elsewhere: the setting's 38.0
    assert _fevers_found("37.1", people) == 0
    assert _passage_fever(people, "37.1", outcome="pass") == 0
    # cleared, the policy leaves it to the setting again
    quarantine_services.update_policy(people["hq"], policy, fever_threshold="")
    policy.refresh_from_db()
    assert policy.fever_threshold is None
    assert _follow_up_fever(people, "37.9") is False
