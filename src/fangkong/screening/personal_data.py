"""The screening app's personal data (core.personal_data): the ledger, its timeline and checks, household visits
and arrival tasks."""

from fangkong.core import personal_data

from .models import ArrivalTask, DailyCheck, HouseholdVisit, KeyPerson, KeyPersonEvent, Sweep

personal_data.keep(Sweep, name="the screening round's name, given by headquarters")
personal_data.register(HouseholdVisit, region="region", moment="visited_on", persons=("household__members",),
                       erase=("away_note", "note"))
personal_data.register(KeyPerson, region="region", moment="registered_on", persons=("person",),
                       erase=("origin", "transport_number", "symptoms", "note"))
personal_data.register(KeyPersonEvent, region="key_person__region", moment="at", persons=("key_person__person",),
                       erase=("text",))
personal_data.register(DailyCheck, region="region", moment="checked_on", persons=("key_person__person",),
                       erase=("symptoms",))
personal_data.register(ArrivalTask, region="region", moment="opened_at", persons=("person",), erase=("note",))
