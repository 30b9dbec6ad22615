"""The village worker's arrival tasks: on today's list, on their page, closed with a note."""

from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from fangkong.analytics import counters
from fangkong.screening.models import ArrivalTask, TaskStatus
from tests import factories as f
from tests.checkpoints.builders import ID_2, WUHAN, passage, risk_area


def _arrival(staff, cp, destination=f.VILLAGE_B1, **extra):
    return passage(staff, cp, origin="武汉市", origin_code=WUHAN, destination=destination, phone="13800001111",
                   **extra)


def test_todays_list_shows_the_open_tasks_of_the_village(login, staff, cp, worker_b1, worker_a1):
    risk_area("4201")
    _arrival(staff, cp)
    html = login(worker_b1).get(reverse("screening:today")).content.decode()
    assert "来人核查任务" in html and 'id="arrival-tasks"' in html and "张三" in html
    assert "13800001111" not in html and "138****1111" in html
    other = login(worker_a1).get(reverse("screening:today")).content.decode()
    assert 'id="arrival-tasks"' not in other


def test_the_task_page_closes_a_task_with_a_note(login, staff, cp, worker_b1):
    risk_area("4201")
    _arrival(staff, cp)
    task = ArrivalTask.objects.get()
    client = login(worker_b1)
    page = client.get(reverse("screening:arrival_tasks")).content.decode()
    assert f'data-task="{task.pk}"' in page and "花园高速出口" in page
    response = client.post(reverse("screening:arrival_task_close", args=[task.pk]), {"note": ""}, follow=True)
    assert "请填写处理情况" in response.content.decode()
    response = client.post(reverse("screening:arrival_task_close", args=[task.pk]), {"note": "已上门核实，居家观察"},
                           follow=True)
    assert "已处理：张三" in response.content.decode()
    task.refresh_from_db()
    assert (task.status, task.note, task.closed_by_id) == (TaskStatus.DONE, "已上门核实，居家观察", worker_b1.pk)
    assert f'data-task="{task.pk}"' not in client.get(reverse("screening:arrival_tasks")).content.decode()
    assert f'data-task="{task.pk}"' in client.get(reverse("screening:arrival_tasks") + "?status=done").content.decode()
    assert counters.differences(timezone.localdate()) == {}


def test_another_villages_task_is_404(login, staff, cp, worker_a1):
    risk_area("4201")
    _arrival(staff, cp)
    task = ArrivalTask.objects.get()
    assert login(worker_a1).post(reverse("screening:arrival_task_close", args=[task.pk]), {"note": "x"}).status_code == 404
    assert ArrivalTask.objects.get().status == TaskStatus.OPEN


def test_checkpoint_staff_do_not_see_tasks(login, staff):
    assert login(staff).get(reverse("screening:arrival_tasks")).status_code == 403


def test_rollup_check_finds_no_differences(staff, cp, worker_b1):
    risk_area("4201")
    _arrival(staff, cp, vehicle_plate="鄂A12345")
    passage(staff, cp, id_number=ID_2, name="李四", vehicle_plate="鄂A12345", temperature="38.0", outcome="isolation")
    from fangkong.screening.services import arrival_tasks as tasks
    tasks.close_task(worker_b1, ArrivalTask.objects.get(), note="已核实")
    call_command("rollup", "check", "--date", timezone.localdate().isoformat())  # exits 1 on any difference
