"""The medical app's personal data (core.personal_data): pharmacy purchases with the buyer's identity."""

from fangkong.core import personal_data

from .models import PharmacyPurchase

personal_data.register(
    PharmacyPurchase, region="region", moment="bought_at", persons=("person",),
    erase=("name", "id_number", "id_digest", "phone", "phone_digest", "address", "symptoms", "medicine_names"),
    kept={"medicines": "the categories of medicine the figures count"})
