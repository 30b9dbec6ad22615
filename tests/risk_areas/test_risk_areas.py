"""The risk-area list: codes checked against the national table, validity dates, the cached test, page and API."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from fangkong.accounts.models import Role
from fangkong.audit.models import AuditEntry
from fangkong.risk_areas import services
from fangkong.risk_areas.models import RiskArea
from tests import factories as f
from tests.checkpoints.builders import get_json, post_json

TODAY = datetime.date.today


@pytest.fixture
def hq(tree):
    """A headquarters admin of the county: the list is the county's setting (the admins of the deployment's
    region change it; tests/accounts/test_settings_matrix.py has every other role and level)."""
    return f.user("hq_admin", Role.HQ_ADMIN, f.COUNTY)


def test_create_with_the_name_from_the_code(hq):
    area = services.create_risk_area(hq, code="420102")
    assert (area.code, area.name, area.valid_from, area.valid_until) == ("420102", "湖北省江岸区", timezone.localdate(),
                                                                         None)
    assert services.create_risk_area(hq, code="42").name == "湖北省"
    assert AuditEntry.objects.filter(action="risk_area.create").count() == 2


@pytest.mark.parametrize(("code", "field"), [
    ("4", "code"), ("abc", "code"), ("99", "code"), ("429999", "code"), ("1234567", "code"),
    ("4201", "name"),  # a city: stdnum does not know its name, so it must be given
])
def test_bad_codes(hq, code, field):
    with pytest.raises(ValidationError) as exc:
        services.create_risk_area(hq, code=code)
    assert field in exc.value.message_dict
    assert not RiskArea.objects.exists()


def test_a_township_of_the_region_table(hq):
    assert services.create_risk_area(hq, code=f.TOWN_A).code == "420921001"
    with pytest.raises(ValidationError):
        services.create_risk_area(hq, code="420921099000")


def test_dates(hq):
    with pytest.raises(ValidationError) as exc:
        services.create_risk_area(hq, code="42", valid_from="2020-02-01", valid_until="2020-01-01")
    assert "valid_until" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.create_risk_area(hq, code="42", valid_from="2020-02-30")
    assert "valid_from" in exc.value.message_dict


def test_only_headquarters_keep_the_list(town):
    with pytest.raises(PermissionDenied):
        services.create_risk_area(town, code="42")


@pytest.mark.parametrize(("role", "region"), [(Role.HQ_STAFF, f.COUNTY), (Role.HQ_ADMIN, f.TOWN_A)])
def test_only_admins_of_the_deployment_region_change_the_list(hq, role, region):
    """The list binds the whole county: neither the county's staff nor a township's admin changes it."""
    area = services.create_risk_area(hq, code="4201", name="武汉市", valid_from=TODAY() - datetime.timedelta(days=9))
    other = f.user("other", role, region)
    with pytest.raises(PermissionDenied) as refused:
        services.create_risk_area(other, code="42")
    assert "孝昌县" in str(refused.value)
    for write in (lambda: services.update_risk_area(other, area, name="改名"), lambda: services.end_risk_area(other, area),
                  lambda: services.delete_risk_area(other, area)):
        with pytest.raises(PermissionDenied):
            write()
    assert list(RiskArea.objects.values_list("code", "name", "valid_until")) == [("4201", "武汉市", None)]
    assert AuditEntry.objects.filter(action__startswith="risk_area.").count() == 1


def test_is_risk_origin_by_prefix_and_dates(hq):
    today = timezone.localdate()
    services.create_risk_area(hq, code="4201", name="武汉市", valid_from=today - datetime.timedelta(days=10))
    area = services.create_risk_area(hq, code="110105", valid_from=today - datetime.timedelta(days=10),
                                     valid_until=today - datetime.timedelta(days=3))
    assert services.is_risk_origin("420102", today)
    assert services.is_risk_origin("420102003001", today)
    assert services.is_risk_origin("4201", today)
    assert not services.is_risk_origin("42", today)            # the province is wider than the area
    assert not services.is_risk_origin("420921", today)
    assert not services.is_risk_origin("", today)
    assert not services.is_risk_origin("420102", today - datetime.timedelta(days=11))
    assert services.is_risk_origin("110105", today - datetime.timedelta(days=3))
    assert not services.is_risk_origin("110105", today - datetime.timedelta(days=2))
    services.update_risk_area(hq, area, valid_until=None)       # the write clears the cache at once
    assert services.is_risk_origin("110105", today)
    services.end_risk_area(hq, area)
    assert not services.is_risk_origin("110105", today)


def test_delete_clears_the_cache(hq):
    area = services.create_risk_area(hq, code="42")
    assert services.is_risk_origin("420102", timezone.localdate())
    services.delete_risk_area(hq, area)
    assert not services.is_risk_origin("420102", timezone.localdate())


def test_page_lists_and_adds(login, hq, staff):
    client = login(hq)
    response = client.post(reverse("risk_areas:list"), {"code": "4201", "name": "武汉市",
                                                                "valid_from": timezone.localdate().isoformat()})
    assert response.status_code == 302
    html = client.get(reverse("risk_areas:list")).content.decode()
    assert "武汉市" in html and "生效中" in html
    bad = client.post(reverse("risk_areas:list"), {"code": "99", "valid_from": "2020-01-01"})
    assert bad.status_code == 400 and "没有这个区划代码" in bad.content.decode()
    viewer = login(staff)
    assert "武汉市" in viewer.get(reverse("risk_areas:list")).content.decode()
    assert viewer.post(reverse("risk_areas:list"), {"code": "42", "valid_from": "2020-01-01"}).status_code == 403
    area = RiskArea.objects.get()
    assert client.post(reverse("risk_areas:end", args=[area.pk])).status_code == 302
    area.refresh_from_db()
    assert area.valid_until is None  # added today: cannot end before it began (delete it instead)
    client.post(reverse("risk_areas:end", args=[area.pk]), {"delete": "1"})
    assert not RiskArea.objects.exists()


def test_api(login, hq, town):
    client = login(hq)
    status, body = post_json(client, "/api/risk-areas", {"code": "420102"})
    assert status == 201 and body["name"] == "湖北省江岸区" and body["active"]
    assert post_json(client, "/api/risk-areas", {"code": "00"})[0] == 422
    assert post_json(login(town), "/api/risk-areas", {"code": "42"})[0] == 403
    response = client.patch(f"/api/risk-areas/{body['id']}", '{"valid_until": "2020-01-01"}',
                            content_type="application/json")
    assert response.status_code == 422  # before valid_from (today)
    status, listed = get_json(login(town), "/api/risk-areas", current="true")
    assert status == 200 and [a["code"] for a in listed] == ["420102"]
    assert client.delete(f"/api/risk-areas/{body['id']}").status_code == 204
    assert not RiskArea.objects.exists()


def test_command_line(hq, town, capsys):
    from django.core.management import CommandError, call_command
    call_command("risk-areas", "add", "4201", "--name", "武汉市", "--from", "2020-01-23", "--user", hq.username)
    area = RiskArea.objects.get()
    assert (area.code, area.name) == ("4201", "武汉市")
    assert AuditEntry.objects.get(action="risk_area.create").source == "cli"
    with pytest.raises(CommandError, match="code"):
        call_command("risk-areas", "add", "99", "--user", hq.username)
    with pytest.raises(CommandError):
        call_command("risk-areas", "add", "42", "--user", town.username)
    capsys.readouterr()
    call_command("risk-areas", "list", "--current")
    assert "4201\t武汉市" in capsys.readouterr().out
    call_command("risk-areas", "end", str(area.pk), "--user", hq.username)
    call_command("risk-areas", "list", "--current")
    assert "4201" not in capsys.readouterr().out.split("\n", 1)[-1]
