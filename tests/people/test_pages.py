import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from fangkong.accounts.models import Role
from fangkong.audit.models import AuditEntry
from fangkong.people import identity, services
from fangkong.people.models import Household, Person
from tests import factories
from tests.people import builders
from tests.people.ids import resident_id


@pytest.fixture
def hq(tree):
    return factories.user("hq", Role.HQ_STAFF)


@pytest.fixture
def worker(tree):
    return factories.user("village1", Role.VILLAGE_WORKER, factories.VILLAGE_A1)


@pytest.fixture
def mine(hq):
    return builders.person(hq, factories.VILLAGE_A1, "张三", number=resident_id(seq="101"), phone="13812345678")


@pytest.fixture
def theirs(hq):
    return builders.person(hq, factories.VILLAGE_B1, "李四", number=resident_id(seq="102"), phone="13912345678")


def test_list_and_detail_show_masked_numbers_only(login, worker, mine):
    client = login(worker)
    for url in (reverse("people:list"), reverse("people:detail", args=[mine.pk])):
        html = client.get(url).content.decode()
        assert "张三" in html and identity.mask_id(mine.id_number) in html and "138****5678" in html
        assert mine.id_number not in html and "13812345678" not in html


def test_list_search_by_typed_id_number(login, worker, mine):
    html = login(worker).post(reverse("people:list"), {"q": mine.id_number.lower()}, follow=True).content.decode()
    assert reverse("people:detail", args=[mine.pk]) in html


def test_village_worker_cannot_see_open_change_reveal_or_merge_another_village(login, worker, mine, theirs):
    client = login(worker)
    assert "李四" not in client.get(reverse("people:list")).content.decode()
    assert "李四" not in client.post(reverse("people:list"), {"q": theirs.id_number}, follow=True).content.decode()
    assert client.get(reverse("people:detail", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("people:edit", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("people:edit", args=[theirs.pk]), {"name": "x"}).status_code == 404
    assert client.post(reverse("people:reveal", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("people:merge", args=[mine.pk, theirs.pk])).status_code == 404
    assert client.post(reverse("people:merge", args=[mine.pk, theirs.pk])).status_code == 404
    assert Person.objects.get(pk=theirs.pk).name == "李四"
    assert not AuditEntry.objects.filter(action__in=["person.reveal", "person.merge"]).exists()


def test_reveal_shows_full_numbers_once_and_is_logged(login, hq, mine):
    client = login(hq)
    response = client.post(reverse("people:reveal", args=[mine.pk]))
    html = response.content.decode()
    assert response.status_code == 200 and mine.id_number in html and "13812345678" in html
    assert "no-store" in response["Cache-Control"]
    assert AuditEntry.objects.filter(action="person.reveal", object_id=str(mine.pk), actor=hq).count() == 1
    assert mine.id_number not in client.get(reverse("people:detail", args=[mine.pk])).content.decode()
    client.post(reverse("people:reveal", args=[mine.pk]))
    assert AuditEntry.objects.filter(action="person.reveal").count() == 2


def test_reveal_refused_for_roles_that_may_not_reveal(login, worker, mine):
    client = login(worker)
    assert reverse("people:reveal", args=[mine.pk]) not in client.get(
        reverse("people:detail", args=[mine.pk])).content.decode()
    response = client.post(reverse("people:reveal", args=[mine.pk]))
    assert response.status_code == 403 and mine.id_number.encode() not in response.content
    assert not AuditEntry.objects.filter(action="person.reveal").exists()


def test_reveal_needs_post(login, hq, mine):
    assert login(hq).get(reverse("people:reveal", args=[mine.pk])).status_code == 405


def test_register_and_edit_through_the_pages(login, worker):
    client = login(worker)
    number = resident_id("19850505", "222")
    response = client.post(reverse("people:create"), {
        "name": "王五", "id_type": "resident_id", "id_number": number.lower(), "phone": "13700001111",
        "region_code": factories.VILLAGE_A1, "address": "东岳村5组"})
    person = Person.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("people:detail", args=[person.pk])
    assert person.birth_date.isoformat() == "1985-05-05"
    form_html = client.get(reverse("people:edit", args=[person.pk])).content.decode()
    assert number not in form_html and "13700001111" not in form_html
    response = client.post(reverse("people:edit", args=[person.pk]), {
        "name": "王五", "id_type": "resident_id", "id_number": "", "phone": "", "region_code": factories.GRID_A1,
        "address": "东岳村6组"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.id_number == number and person.phone == "13700001111"  # empty = unchanged
    assert person.region_id == factories.GRID_A1 and person.address == "东岳村6组"


def test_bad_input_shows_field_errors(login, worker):
    response = login(worker).post(reverse("people:create"), {
        "name": "王五", "id_type": "resident_id", "id_number": "420921198505052220",
        "region_code": factories.VILLAGE_B1})
    html = response.content.decode()
    assert response.status_code == 200 and "校验位错误" in html and "不在您的管辖范围内" in html
    assert not Person.objects.exists()


def test_viewer_gets_no_write_pages(login, tree, mine):
    client = login(factories.user("viewer", Role.VIEWER))
    assert client.get(reverse("people:create")).status_code == 403
    assert client.get(reverse("people:edit", args=[mine.pk])).status_code == 403
    assert client.get(reverse("people:detail", args=[mine.pk])).status_code == 200


def test_household_pages(login, worker, mine, hq):
    client = login(worker)
    response = client.post(reverse("people:household_create"),
                           {"region_code": factories.VILLAGE_A1, "address": "东岳村1组1号", "head_name": "张三"})
    household = Household.objects.get()
    assert response["Location"] == reverse("people:household", args=[household.pk])
    response = client.post(reverse("people:household", args=[household.pk]), {"number": mine.id_number})
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.household_id == household.pk
    html = client.get(reverse("people:household", args=[household.pk])).content.decode()
    assert "张三" in html and mine.id_number not in html
    assert "东岳村1组1号" in client.get(reverse("people:detail", args=[mine.pk])).content.decode()
    client.post(reverse("people:household_remove_member", args=[household.pk, mine.pk]))
    mine.refresh_from_db()
    assert mine.household_id is None
    foreign = services.create_household(hq, region_code=factories.VILLAGE_B1, address="红旗村1号")
    assert client.get(reverse("people:household", args=[foreign.pk])).status_code == 404


def test_duplicates_page_and_merge_with_confirmation(login, hq):
    keep = builders.raw_person(factories.VILLAGE_A1, "张三", birth_date="1980-01-01")
    other = builders.raw_person(factories.VILLAGE_A1, "张三", birth_date="1980-01-01")
    client = login(hq)
    html = client.get(reverse("people:duplicates")).content.decode()
    assert reverse("people:merge", args=[keep.pk, other.pk]) in html
    confirm = client.get(reverse("people:merge", args=[keep.pk, other.pk]))
    assert confirm.status_code == 200 and Person.objects.count() == 2  # GET only asks
    response = client.post(reverse("people:merge", args=[keep.pk, other.pk]))
    assert response["Location"] == reverse("people:detail", args=[keep.pk])
    assert list(Person.objects.values_list("pk", flat=True)) == [keep.pk]


def test_person_list_uses_a_fixed_number_of_queries(login, worker, fresh_user_each_request):
    client = login(worker)
    households = [services.create_household(worker, region_code=factories.GRID_A1, address=f"{i}号")
                  for i in range(2)]

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("people:list")).status_code == 200
        return len(ctx.captured_queries)

    builders.person(worker, factories.GRID_A1, household=households[0])
    few = count_queries()
    for i in range(20):
        builders.person(worker, factories.VILLAGE_A1 if i % 2 else factories.GRID_A1, f"人{i}",
                        household=households[i % 2])
    assert count_queries() == few


def test_person_list_pages_by_cursor(login, worker):
    for i in range(51):
        builders.raw_person(factories.VILLAGE_A1, f"人{i:02d}")
    client = login(worker)
    first = client.get(reverse("people:list"))
    assert len(first.context["page"].items) == 50 and first.context["page"].next_after
    second = client.get(reverse("people:list"), {"after": first.context["page"].next_after})
    assert [p.name for p in second.context["page"].items] == ["人50"]
    assert second.context["page"].next_after is None
