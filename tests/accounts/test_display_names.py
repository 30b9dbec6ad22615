"""People are shown by name, never by login: a user's 姓名, else their place and role; every dropdown that
picks a user reads that way."""

from fangkong.accounts.models import Role
from fangkong.quarantine.forms import user_choices
from tests import factories


def test_a_user_reads_as_the_name_else_place_and_role(tree):
    named = factories.user("wang", Role.VILLAGE_WORKER, factories.VILLAGE_A1, display_name="王网格员")
    unnamed = factories.user("town7", Role.TOWNSHIP_STAFF, factories.TOWN_A, display_name="")
    assert str(named) == "王网格员"
    assert str(unnamed) == "花园镇 乡镇（街道）工作人员"


def test_the_isolation_forms_pick_cadres_by_name_and_phone(tree):
    cadre = factories.user("cadre_001201", Role.VILLAGE_WORKER, factories.VILLAGE_A1, display_name="东岳村干部",
                           phone="13800000001")
    doctor = factories.user("doctor_001201", Role.DOCTOR, factories.VILLAGE_A1, display_name="")
    assert user_choices([cadre, doctor], "请选择")[1:] == [
        (str(cadre.pk), "东岳村干部 13800000001"), (str(doctor.pk), "东岳村 医生（村医）")]


def test_the_ledger_picks_the_responsible_cadre_by_name(tree, login):
    worker = factories.user("village1", Role.VILLAGE_WORKER, factories.VILLAGE_A1, display_name="东岳村网格员")
    factories.user("grid1", Role.VILLAGE_WORKER, factories.GRID_A1, display_name="")

    html = login(worker).get("/screening/register/").content.decode()
    responsible = html.split('name="responsible"')[1].split("</select>")[0]

    assert ">东岳村网格员</option>" in responsible and ">东岳村第1网格 村（社区）网格员</option>" in responsible
    assert "village1" not in responsible and "grid1" not in responsible
