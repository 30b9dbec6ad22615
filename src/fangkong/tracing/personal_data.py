"""The tracing app's personal data (core.personal_data): cases, their history, lab tests, investigations with the
itinerary, contacts and transmission links."""

from fangkong.core import personal_data

from .models import (
    Case,
    CaseChange,
    Cluster,
    Contact,
    Investigation,
    ItineraryNotice,
    ItineraryStop,
    LabTest,
    TransmissionLink,
)

personal_data.register(Case, region="region", moment="reported_at", persons=("person",), erase=("note",))
personal_data.register(CaseChange, region="case__region", moment="at", persons=("case__person",), erase=("reason",))
# the lab's sample number is the lab's key to the person
personal_data.register(LabTest, region="region", moment="sampled_at", persons=("person",), erase=("sample_number",))
personal_data.register(Investigation, region="region", moment="started_at", persons=("case__person",),
                       erase=("exposure_note", "summary"))
personal_data.register(ItineraryStop, region="investigation__region", moment="starts_at",
                       persons=("investigation__case__person",),
                       erase=("place_name", "transport_number", "seat", "note"))
personal_data.register(
    Contact, region="case__region", moment="proposed_at", persons=("person", "case__person"),
    erase=("outside_name", "outside_phone", "outside_id_number", "outside_address", "note"),
    kept={"outside_county": "the county the hand-over went to"})
personal_data.register(TransmissionLink, region="infectee__region", moment="created_at",
                       persons=("infector__person", "infectee__person"), erase=("note",))
personal_data.register(Cluster, region="region", moment="created_at", erase=("note",),
                       kept={"name": "the cluster's name, as the figures and the briefs call it"})
personal_data.keep(ItineraryNotice, title="published", alias="how the case is named in public, never a name",
                   items="the published places and times, reviewed to hold nothing personal")
