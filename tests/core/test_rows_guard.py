"""core.rows writes without Model.save(): it may write a model only while that model has no save signals and
no save() of its own, which its rows would silently skip. The check runs when a model's statement is built;
these tests hold the models written through it today to it, and show the check refusing the others."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db.models.signals import post_save, pre_save

from fangkong.audit.models import AuditEntry
from fangkong.core import rows
from fangkong.people.models import Person
from fangkong.places.models import CheckIn
from fangkong.quarantine.models import FollowUp

# every model written by rows.insert or rows.update: the audit trail, a follow-up, a public check-in, a
# person a register records
WRITTEN = [AuditEntry, CheckIn, FollowUp, Person]


@pytest.mark.parametrize("model", WRITTEN, ids=lambda m: m.__name__)
def test_every_model_written_through_rows_has_no_save_signals_nor_a_save_of_its_own(model):
    rows.require_plain_save(model)


@pytest.mark.parametrize("signal", [pre_save, post_save], ids=["pre_save", "post_save"])
def test_a_model_that_gains_a_save_signal_is_refused(signal, monkeypatch):
    def receiver(**kwargs):
        pass

    signal.connect(receiver, sender=AuditEntry, weak=False, dispatch_uid="test_rows_guard")
    monkeypatch.setattr(rows, "_inserts", {})  # the statement is built, and checked, again
    try:
        with pytest.raises(ImproperlyConfigured, match="save signals"):
            rows.insert(AuditEntry(action="x"))
        with pytest.raises(ImproperlyConfigured, match="save signals"):
            rows.require_plain_save(AuditEntry)
    finally:
        signal.disconnect(sender=AuditEntry, dispatch_uid="test_rows_guard")


def test_a_model_with_a_save_of_its_own_is_refused(monkeypatch):
    def save(self, *args, **kwargs):
        pass

    monkeypatch.setattr(FollowUp, "save", save)
    monkeypatch.setattr(rows, "_updates", {})
    with pytest.raises(ImproperlyConfigured, match="save\\(\\) of its own"):
        rows.update(FollowUp(pk=1), ("note",))
