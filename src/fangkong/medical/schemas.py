"""API shapes of the pharmacy register."""

import datetime
from decimal import Decimal

from ninja import Field, Schema

SYMPTOMS = ("one list (the daily check's): fever / cough / fatigue / sore_throat / shortness_of_breath / "
            "diarrhoea / muscle_ache / loss_of_taste_smell, or their Chinese words")
MEDICINES = "at least one of antipyretic / cough / antiviral / antibiotic (or 退烧药 / 止咳药 / 抗病毒药 / 抗生素)"


class PurchaseFields(Schema):
    name: str = ""
    id_number: str = Field("", description="resident ID number (身份证号码)")
    phone: str = ""
    home_region: str = Field("", description="code of the village or grid of the pharmacy's county where the buyer "
                                             "lives now; empty: outside the county")
    address: str = Field("", description="现住址: group, house number")
    temperature: str = Field("", description="体温 (°C) taken at the counter, e.g. 36.5")
    symptoms: list[str] = Field([], description=SYMPTOMS)
    medicines: list[str] = Field([], description=MEDICINES)
    medicine_names: str = ""
    client_key: str = Field("", description="idempotency key (or the Idempotency-Key header): sent again, "
                                            "nothing more is stored")


class PublicPurchaseIn(PurchaseFields):
    pass


class PurchaseIn(PurchaseFields):
    pharmacy_id: int
    id_type: str = Field("resident_id", description="resident_id / passport / hk_macau_permit / taiwan_permit / other")
    bought_at: datetime.datetime | None = Field(None, description="when bought, typed in later from the paper "
                                                                  "register (up to 7 days back); default now")


class PurchaseConfirmIn(Schema):
    name: str | None = Field(None, description="the name as the staff confirmed it; omitted: as typed")
    id_number: str | None = None
    phone: str | None = None


class PublicPurchaseOut(Schema):
    detail: str
    where: str
    at: datetime.datetime
    fever: bool = Field(description="the buyer said or showed a fever: they are told to go to the fever clinic")


class PurchaseOut(Schema):
    id: int
    pharmacy_id: int
    pharmacy: str
    region_code: str = Field(description="the pharmacy's region")
    home_region_code: str | None
    address: str
    person_id: int | None = Field(description="the buyer once known (registered by staff, or confirmed)")
    name: str
    id_type: str
    id_number: str = Field(description="masked")
    phone: str = Field(description="masked")
    temperature: Decimal
    symptoms: list[str]
    medicines: list[str]
    medicine_names: str
    fever: bool
    bought_at: datetime.datetime
    channel: str = Field(description="staff / public")
    confirmed_at: datetime.datetime | None
    duplicate: bool = False
    transfer_id: int | None = Field(None, description="the transfer request to the fever clinic a fever opened or "
                                                      "joined (on the answer to a registration or confirmation)")


class PurchasePage(Schema):
    items: list[PurchaseOut]
    next_after: int | None


class PurchaseRevealOut(Schema):
    id_number: str
    phone: str
