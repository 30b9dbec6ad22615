"""Every model that may hold a person's data is declared (core.personal_data), so the purge forgets none: a new
register with a field named like a person's data (name, phone, id_number, address, note, …), a free-text, JSON or
file field, or a link to a person fails here until its app erases it or says why it stays."""

import pytest
from django.apps import apps
from django.db import models
from django.test.utils import isolate_apps

from fangkong.core import personal_data


def project_models() -> list[type[models.Model]]:
    return [m for m in apps.get_models() if m.__module__.startswith("fangkong.")]


def looks_personal(f: models.Field) -> bool:
    return bool(personal_data.PERSONAL_LOOKING.search(f.name)) or isinstance(f, personal_data.FREE_FORM)


def undeclared(model) -> list[str]:
    holder = personal_data.holder_of(model)
    declared = set(holder.erase if holder else ()) | set(personal_data.kept_fields(model))
    return [f.name for f in model._meta.concrete_fields
            if looks_personal(f) and not f.primary_key and not f.is_relation and f.name not in declared]


def test_every_field_that_looks_personal_is_erased_or_kept_with_a_reason():
    missing = {m._meta.label: fields for m in project_models() if (fields := undeclared(m))}
    assert missing == {}, "declare these in the app's personal_data.py (core.personal_data.register or keep)"


def test_every_register_that_links_a_person_is_declared():
    """The purge keeps a person seen after the day or elsewhere: it must know each register's region and moment."""
    subject = personal_data.subject().model
    linking = {m._meta.label for m in project_models() for f in m._meta.concrete_fields
               if f.is_relation and f.related_model is subject and m is not subject}
    assert {label for label in linking if not any(h.label == label for h in personal_data.holders())} == set()


@isolate_apps("fangkong.privacy")
def test_the_check_finds_a_new_register_that_forgets_its_personal_data():
    class Visit(models.Model):  # noqa: DJ008
        guest_name = models.CharField(max_length=50)
        mobile_phone = models.CharField(max_length=20)
        remarks = models.TextField()
        count = models.IntegerField()

        class Meta:
            app_label = "privacy"

    assert undeclared(Visit) == ["guest_name", "mobile_phone", "remarks"]


@isolate_apps("fangkong.privacy")
def test_a_declaration_names_fields_that_exist_and_can_be_erased():
    class Log(models.Model):  # noqa: DJ008
        done = models.BooleanField()
        region = models.CharField(max_length=12)
        at = models.DateTimeField()

        class Meta:
            app_label = "privacy"

    with pytest.raises(Exception, match="no field 'nope'"):
        personal_data.register(Log, erase=("nope",), region="region", moment="at")
    with pytest.raises(Exception, match="no erased value"):
        personal_data.register(Log, erase=("done",), region="region", moment="at")
    assert personal_data.holder_of(Log) is None


@pytest.mark.parametrize("holder", personal_data.holders(), ids=lambda h: h.label)
def test_each_declaration_reaches_a_region_a_moment_and_the_persons(holder):
    subject = personal_data.subject().model
    for lookup in holder.persons:
        current = holder.model
        for part in lookup.split("__"):
            current = current._meta.get_field(part).related_model
        assert current is subject, f"{holder.label}: {lookup} leads to {current}, not to the persons"
    assert holder.subject or holder.region != "" and holder.moment != ""
