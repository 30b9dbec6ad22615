"""ledger.bulk writes an import's rows without Model.save(): it may do so only while no model it writes has
save signals or a save() of its own, which every imported row would silently skip."""

import datetime

import pytest
from django.db import models
from django.db.models.signals import post_save, pre_save

from fangkong.audit.models import AuditEntry
from fangkong.ledger import bulk, services
from fangkong.people.models import Person
from fangkong.screening.models import KeyPerson, KeyPersonEvent
from tests import factories
from tests.people.ids import resident_id

from .workbooks import xlsx

WRITTEN_IN_BULK = {Person, KeyPerson, KeyPersonEvent, AuditEntry}


@pytest.mark.parametrize("model", sorted(WRITTEN_IN_BULK, key=lambda m: m.__name__), ids=lambda m: m.__name__)
def test_a_model_written_in_bulk_has_no_save_signals_and_no_save_of_its_own(model):
    assert not pre_save.has_listeners(model), f"{model.__name__} gained pre_save receivers: ledger.bulk skips them"
    assert not post_save.has_listeners(model), f"{model.__name__} gained post_save receivers: ledger.bulk skips them"
    assert model.save is models.Model.save, f"{model.__name__} has a save() of its own: ledger.bulk skips it"


def test_an_import_writes_in_bulk_only_the_models_checked_above(tmp_path, village_worker, monkeypatch):
    written = set()
    insert = bulk.insert

    def recording(model, *args, **kwargs):
        written.add(model)
        return insert(model, *args, **kwargs)

    monkeypatch.setattr(bulk, "insert", recording)
    header = ["序号", "姓名", "身份证号", "联系电话", "抵达日期", "来自何地", "类别"]
    rows = [[1, "张三", resident_id("19800101", "101"), "13812345678", "2020-01-23", "武汉", "返乡"],
            [2, "李四", resident_id("19800101", "102"), "13812345679", "2020-01-23", "武汉", "发热"]]
    path = xlsx(tmp_path / "台账.xlsx", {"台账": [header, *rows]})
    for _ in range(2):  # new people, then the same again (updates and their events)
        result = services.import_ledger(village_worker, path, filename=path.name, region_code=factories.VILLAGE_A1,
                                        today=datetime.date(2020, 2, 5))
        assert result.written, result.errors
    assert written and written <= WRITTEN_IN_BULK, written - WRITTEN_IN_BULK
