"""`fangkong purge` shows before it erases and erases only when told: --dry-run, no terminal, a wrong code typed and
--yes; the files of erased rows are deleted once the purge is committed (a register with an upload field, made for
the test); the trail of a twin merged into a purged person goes with it."""

import datetime
import io

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, models
from django.test.utils import isolate_apps
from django.utils import timezone

from fangkong.accounts.models import Role
from fangkong.audit.models import AuditEntry
from fangkong.core import personal_data
from fangkong.core.actors import SYSTEM
from fangkong.people import identity
from fangkong.people import services as people
from fangkong.people.models import Person
from fangkong.privacy import services
from tests import factories as f
from tests.privacy.response import resident_id

LONG_AGO = timezone.now() - datetime.timedelta(days=40)


def _today() -> datetime.date:
    """Read when used: a run may cross local midnight."""
    return timezone.localdate()


@pytest.fixture
def old_person(tree):
    return Person.objects.create(name="欧阳旧人", id_type="other", id_number="T-OLD-1", region_id=f.VILLAGE_A1,
                                 created_at=LONG_AGO, updated_at=LONG_AGO)


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def purge(*extra: str, typed: str | None = None, monkeypatch=None) -> str:
    if typed is not None:
        monkeypatch.setattr("sys.stdin", Terminal())
        monkeypatch.setattr("builtins.input", lambda prompt: typed)
    out = io.StringIO()
    call_command("purge", "--region", f.TOWN_A, "--before", _today().isoformat(), *extra, stdout=out)
    return out.getvalue()


def test_it_shows_and_erases_nothing_unless_confirmed(old_person, monkeypatch):
    assert "people_person" in purge("--dry-run") and "(dry run)" in purge("--dry-run")
    assert "give --yes" in purge()  # no terminal to ask at
    assert "not confirmed" in purge(typed="420921002000", monkeypatch=monkeypatch)
    assert Person.objects.get(pk=old_person.pk).name == "欧阳旧人"
    assert "erased: 1 person(s)" in purge(typed=f.TOWN_A, monkeypatch=monkeypatch)
    assert Person.objects.get(pk=old_person.pk).name == personal_data.ERASED
    assert "nothing to erase" in purge("--yes")


def test_it_names_what_is_wrong_with_its_options(tree):
    with pytest.raises(CommandError, match="--before"):
        call_command("purge", "--region", f.TOWN_A, "--before", "2020-13-01")
    with pytest.raises(CommandError, match="no region"):
        call_command("purge", "--region", "420921009000", "--before", _today().isoformat())
    with pytest.raises(CommandError, match="outside the user's scope"):
        f.user("town_b", region_code=f.TOWN_B)
        call_command("purge", "--region", f.TOWN_A, "--before", _today().isoformat(), "--user", "town_b")


@pytest.mark.django_db(transaction=True)
@isolate_apps("fangkong.privacy")
def test_the_files_of_erased_rows_are_deleted_after_the_commit(tree, settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path

    class Scan(models.Model):  # noqa: DJ008  a register that keeps an uploaded copy of an ID card
        region_id = models.CharField(max_length=12)
        at = models.DateTimeField()
        note = models.CharField(max_length=50, blank=True)
        upload = models.FileField(upload_to="scans", blank=True)

        class Meta:
            app_label = "privacy"

    with connection.schema_editor() as editor:
        editor.create_model(Scan)
    try:
        monkeypatch.setattr(personal_data, "_holders", dict(personal_data._holders))
        personal_data.register(Scan, erase=("note", "upload"), region="region_id", moment="at")

        def scan(region: str, at: datetime.datetime) -> Scan:
            return Scan.objects.create(region_id=region, at=at, note="身份证复印件",
                                       upload=ContentFile(b"an ID card", name="card.jpg"))

        old, recent, elsewhere = scan(f.VILLAGE_A1, LONG_AGO), scan(f.VILLAGE_A1, timezone.now()), scan(f.VILLAGE_B1, LONG_AGO)
        files = {row.pk: tmp_path / row.upload.name for row in (old, recent, elsewhere)}
        plan = services.plan_purge(f.TOWN_A, _today() - datetime.timedelta(days=1))
        assert (plan.rows, plan.files) == ({"privacy.Scan": 1}, 1) and files[old.pk].exists()

        services.purge(SYSTEM, f.TOWN_A, _today() - datetime.timedelta(days=1))
        assert not files[old.pk].exists() and files[recent.pk].exists() and files[elsewhere.pk].exists()
        assert Scan.objects.values_list("note", "upload").get(pk=old.pk) == ("", "")
        assert Scan.objects.get(pk=recent.pk).note == "身份证复印件"
    finally:
        with connection.schema_editor() as editor:
            editor.delete_model(Scan)


def test_the_trail_of_a_twin_merged_into_a_purged_person_loses_its_values_too(tree):
    hq = f.user("hq_admin", Role.HQ_ADMIN, f.COUNTY)
    keep, _ = people.find_or_record_person(hq, name="欧阳合一", id_type="resident_id", id_number=resident_id(901),
                                           region_code=f.VILLAGE_A1, phone="13600009901")
    twin, _ = people.find_or_record_person(hq, name="欧阳合二", id_type="resident_id", id_number=resident_id(902),
                                           region_code=f.VILLAGE_A2, address="桃园村合二号")
    people.merge_persons(hq, keep, twin)
    services.purge(SYSTEM, f.TOWN_A, _today() + datetime.timedelta(days=1))
    trail = AuditEntry.objects.filter(object_type="person", object_id__in=[str(keep.pk), str(twin.pk)])
    assert {e.action for e in trail} == {"person.create", "person.merge", "person.merged_into"}
    text = " ".join(f"{e.object_repr} {e.before} {e.after}" for e in trail)
    masked = identity.mask_id(resident_id(902))
    assert "欧阳合" not in text and "桃园村合二号" not in text and masked not in text
