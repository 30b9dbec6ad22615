"""The places app's personal data (core.personal_data): public check-ins, with what the visitor typed."""

from fangkong.core import personal_data

from .models import CheckIn, ClosureOrder, HygieneLog, Place

personal_data.keep(Place, name="the place's name", address="the place's address",
                   operator="the business running the place", operator_phone="the business's contact number")
personal_data.keep(ClosureOrder, reason="why the place was closed")
personal_data.keep(HygieneLog, note="about the place's cleaning")
personal_data.register(
    CheckIn, region="region", moment="checked_in_at", persons=("person",),
    erase=("name", "phone", "phone_digest", "id_number", "id_digest", "origin"),
    audit_keys=("visitor_ref",),  # check_in.create keeps a short prefix of the phone's digest
    kept={"origin_code": "a region code, as coarse as the figures and the reconciliation that read it"})
