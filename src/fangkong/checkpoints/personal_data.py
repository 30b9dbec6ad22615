"""The checkpoints app's personal data (core.personal_data): passages."""

from fangkong.core import personal_data

from .models import Checkpoint, DutyShift, FiveHavesInspection, Passage

personal_data.keep(Checkpoint, name="the checkpoint's name", location="where the checkpoint stands")
personal_data.keep(DutyShift, note="about the staff's shift")
personal_data.keep(FiveHavesInspection, note="about the checkpoint's equipment")
personal_data.register(
    Passage, region="region", moment="passed_at", persons=("person",),
    erase=("vehicle_plate", "origin", "destination_text"),
    audit_keys=("id_number",),  # passage.register keeps the person's masked ID number
    kept={"origin_code": "a region code, as coarse as the figures and the reconciliation that read it"})
