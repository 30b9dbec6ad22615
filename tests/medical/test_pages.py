"""The pages of the pharmacy register: the buyer's public page (no account), the staff's registration, the register
scoped per role with numbers masked, one purchase revealed and confirmed, the pharmacies and their codes."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from fangkong.accounts.models import Role
from fangkong.analytics import counters
from fangkong.audit.models import AuditEntry
from fangkong.medical.models import PharmacyPurchase
from fangkong.quarantine.models import TransferRequest
from tests import factories as f

from .builders import bought, code, pharmacy, resident_id, typed

FORM = {"name": "王购药", "id_number": resident_id(1), "phone": "13912345678", "home_region": f.VILLAGE_A1,
        "address": "东岳村3组5号", "temperature": "36.6", "medicines": ["cough"], "symptoms": ["cough"]}


def public(token: str) -> str:
    return reverse("medical:public", args=[token])


# The buyer's public page ---------------------------------------------------------------------------------

def test_the_public_page_asks_everything_with_villages_by_name(shop):
    page = Client().get(public(code(shop).token))
    html = page.content.decode()
    assert page.status_code == 200 and shop.name in html
    for field in ("name", "id_number", "phone", "home_region", "address", "temperature", "symptoms", "medicines"):
        assert f'name="{field}"' in html
    assert "东岳村" in html and "红旗村" in html and "本县以外" in html
    assert "嗅觉味觉减退" in html and "抗病毒药" in html


def test_the_buyer_registers_and_a_fever_is_told_to_go_to_the_clinic(shop):
    page = Client().post(public(code(shop).token), {**FORM, "temperature": "38.2"})
    assert page.status_code == 200 and "登记成功" in page.content.decode()
    assert "发热门诊" in page.content.decode()
    p = PharmacyPurchase.objects.get()
    assert (p.channel, p.person_id, p.fever, p.symptoms) == ("public", None, True, ["cough"])
    calm = Client().post(public(code(shop).token), {**FORM, "phone": "13912340000"})
    assert calm.status_code == 200 and "发热门诊" not in calm.content.decode()


def test_a_bad_form_says_what_is_wrong_beside_each_field(shop):
    page = Client().post(public(code(shop).token), {**FORM, "id_number": "123", "temperature": "", "medicines": []})
    assert page.status_code == 400
    assert set(page.context["form"].errors) == {"id_number", "temperature", "medicines"}
    assert not PharmacyPurchase.objects.exists()


def test_a_withdrawn_code_or_a_code_of_another_place_is_no_page(shop):
    withdrawn = code(shop)
    withdrawn.is_active = False
    withdrawn.save()
    market = code(pharmacy(name="东岳农贸市场", kind="market"))
    for token in (withdrawn.token, market.token, "no-such-code"):
        page = Client().post(public(token), FORM)
        assert page.status_code == 404 and "登记码无效" in page.content.decode()
    assert not PharmacyPurchase.objects.exists()


def test_the_public_page_is_rate_limited(shop, settings):
    settings.FANGKONG_CHECK_IN_RATE = 2
    token = code(shop).token
    answers = [Client().post(public(token), {**FORM, "phone": f"1391234567{n}"}).status_code for n in range(3)]
    assert answers == [200, 200, 429]


# The register ------------------------------------------------------------------------------------------------

@pytest.fixture
def register(shop, shop_b, doctor, tree):
    """A purchase at 东岳大药房 by a 东岳村 resident, one there by a 红旗村 resident with a fever, one at 红旗药店 by a
    红旗村 resident, one at 红旗药店 by a 东岳村 resident waiting to be confirmed."""
    hq = f.user("hq_admin", Role.HQ_ADMIN, f.COUNTY)
    return {"a_a": bought(doctor, shop, seq=1),
            "a_b": bought(doctor, shop, seq=2, home_region=f.VILLAGE_B1, temperature="38.0"),
            "b_b": bought(hq, shop_b, seq=3, home_region=f.VILLAGE_B1),
            "b_a": typed(shop_b, seq=4, home_region=f.VILLAGE_A1)}


def _listed(client, query: str = "") -> set[str]:
    page = client.get(reverse("medical:purchases") + query)
    assert page.status_code == 200
    return {p.id_number for p in page.context["items"]}


@pytest.mark.parametrize(("role", "region", "seen"), [
    (Role.VILLAGE_WORKER, f.VILLAGE_A1, {"a_a", "a_b", "b_a"}),  # at its pharmacy, and its residents anywhere
    (Role.DOCTOR, f.VILLAGE_B1, {"a_b", "b_b", "b_a"}),
    (Role.TOWNSHIP_STAFF, f.TOWN_A, {"a_a", "a_b", "b_a"}),
    (Role.HQ_STAFF, f.COUNTY, {"a_a", "a_b", "b_b", "b_a"}),
    (Role.SUPERVISOR, f.COUNTY, {"a_a", "a_b", "b_b", "b_a"}),
])
def test_each_role_sees_the_purchases_of_its_scope(register, login, role, region, seen):
    client = login(f.user("someone", role, region))
    assert _listed(client) == {register[k].id_number for k in seen}


def test_a_checkpoint_worker_has_no_register(register, login):
    client = login(f.user("kadian", Role.CHECKPOINT_STAFF, f.TOWN_A))
    assert client.get(reverse("medical:purchases")).status_code == 403


def test_numbers_are_masked_in_the_list_and_the_tabs_filter(register, login):
    client = login(f.user("hq", Role.HQ_STAFF, f.COUNTY))
    html = client.get(reverse("medical:purchases")).content.decode()
    assert resident_id(1) not in html and "13912345678" not in html and register["a_a"].masked_id in html
    assert _listed(client, "?fever=1") == {register["a_b"].id_number}
    assert _listed(client, "?pending=1") == {register["b_a"].id_number}
    assert _listed(client, f"?home={f.VILLAGE_B1}") == {register["a_b"].id_number, register["b_b"].id_number}


def test_the_list_of_a_region_and_day_holds_what_the_roll_up_counts(register, login):
    day = timezone.localdate()
    live = counters.live(day)
    client = login(f.user("hq", Role.HQ_STAFF, f.COUNTY))
    for region in (f.VILLAGE_A1, f.TOWN_B, f.COUNTY):
        assert len(_listed(client, f"?region={region}&date={day}")) == live.get((region, "pharmacy_purchase"), 0)
        assert len(_listed(client, f"?region={region}&date={day}&fever=1")) == live.get((region, "pharmacy_fever"), 0)
    assert counters.differences(day) == {}


def test_a_region_outside_the_scope_lists_nothing(register, login):
    client = login(f.user("worker", Role.VILLAGE_WORKER, f.VILLAGE_A1))
    assert _listed(client, f"?region={f.VILLAGE_B1}") == set()


def test_the_list_reads_a_fixed_number_of_queries(register, login, django_assert_max_num_queries, shop, doctor):
    client = login(f.user("hq", Role.HQ_STAFF, f.COUNTY))
    client.get(reverse("medical:purchases"))
    for n in range(10, 20):
        bought(doctor, shop, seq=n)
    with django_assert_max_num_queries(8):
        client.get(reverse("medical:purchases"))


# Staff registration, one purchase ------------------------------------------------------------------------------

def test_staff_register_at_the_counter_and_a_fever_goes_to_the_clinic(shop, doctor, login):
    client = login(doctor)
    form = client.get(reverse("medical:purchase_new") + f"?pharmacy={shop.pk}")
    assert form.status_code == 200 and 'name="id_type"' in form.content.decode()
    answer = client.post(reverse("medical:purchase_new"), {**FORM, "pharmacy": shop.pk, "id_type": "resident_id",
                                                           "temperature": "38.5"}, follow=True)
    assert "转送发热门诊" in answer.content.decode()
    assert TransferRequest.objects.get().source == "pharmacy"
    bad = client.post(reverse("medical:purchase_new"), {**FORM, "pharmacy": shop.pk, "id_type": "resident_id",
                                                        "phone": "", "temperature": "20"})
    assert bad.status_code == 400 and set(bad.context["form"].errors) == {"phone", "temperature"}


def test_a_supervisor_reads_but_does_not_register(shop, login, tree):
    client = login(f.user("duzha", Role.SUPERVISOR, f.COUNTY))
    assert client.get(reverse("medical:purchase_new")).status_code == 403


def test_one_purchase_revealed_once_and_logged(register, login, doctor):
    p = register["a_a"]
    client = login(doctor)
    page = client.get(reverse("medical:purchase", args=[p.pk]))
    assert p.id_number not in page.content.decode() and "查看完整号码" in page.content.decode()
    shown = client.post(reverse("medical:purchase_reveal", args=[p.pk]))
    assert p.id_number in shown.content.decode() and "13912345678" in shown.content.decode()
    assert AuditEntry.objects.filter(action="pharmacy_purchase.reveal").count() == 1
    worker = login(f.user("worker", Role.VILLAGE_WORKER, f.VILLAGE_A1))
    assert "查看完整号码" not in worker.get(reverse("medical:purchase", args=[p.pk])).content.decode()
    assert worker.post(reverse("medical:purchase_reveal", args=[p.pk])).status_code == 403
    outside = login(f.user("worker_a2", Role.VILLAGE_WORKER, f.VILLAGE_A2))
    assert outside.get(reverse("medical:purchase", args=[p.pk])).status_code == 404


def test_confirming_on_the_page(shop, login, tree):
    p = typed(shop, temperature="38.9")
    client = login(f.user("worker", Role.VILLAGE_WORKER, f.VILLAGE_A1))
    page = client.get(reverse("medical:purchase", args=[p.pk]))
    assert "核实购药人" in page.content.decode()
    bad = client.post(reverse("medical:purchase_confirm", args=[p.pk]), {"id_number": "123"})
    assert bad.status_code == 400 and "id_number" in bad.context["form"].errors
    done = client.post(reverse("medical:purchase_confirm", args=[p.pk]), {}, follow=True)
    assert "转送发热门诊" in done.content.decode() and "已核实" in done.content.decode()
    assert PharmacyPurchase.objects.get().person_id and TransferRequest.objects.count() == 1


# Pharmacies and their codes ------------------------------------------------------------------------------------

def test_the_township_prints_a_pharmacys_registration_code(shop, town, login):
    client = login(town)
    listing = client.get(reverse("medical:pharmacies"))
    assert shop.name in listing.content.decode() and "购药登记码" in listing.content.decode()
    page = client.get(reverse("medical:pharmacy_code", args=[shop.pk]))
    assert page.status_code == 200 and "<svg" in page.content.decode()
    assert "/medical/p/" in page.context["url"]
    png = client.get(reverse("medical:pharmacy_code", args=[shop.pk]) + "?format=png")
    assert png["Content-Type"] == "image/png"
    token = page.context["url"].rstrip("/").rsplit("/", 1)[-1]
    assert Client().get(public(token)).status_code == 200


def test_a_village_worker_cannot_print_codes(shop, worker_a1, login):
    client = login(worker_a1)
    assert reverse("medical:pharmacy_code", args=[shop.pk]) not in client.get(reverse("medical:pharmacies")).content.decode()
    assert client.get(reverse("medical:pharmacy_code", args=[shop.pk])).status_code == 403



def test_the_buyers_page_is_linked_only_where_the_user_may_open_it(register, login):
    p = register["a_b"]  # at 东岳村's pharmacy, by a resident of 红旗村
    link = reverse("people:detail", args=[p.person_id])
    worker = login(f.user("worker", Role.VILLAGE_WORKER, f.VILLAGE_A1))
    assert link not in worker.get(reverse("medical:purchase", args=[p.pk])).content.decode()
    hq = login(f.user("hq", Role.HQ_STAFF, f.COUNTY))
    assert link in hq.get(reverse("medical:purchase", args=[p.pk])).content.decode()
    assert hq.get(link).status_code == 200
