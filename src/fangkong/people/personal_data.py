"""The people app's personal data (core.personal_data): the register of persons itself, households and the
registrations held for review."""

from fangkong.core import personal_data

from .models import Household, Person, RegistrationReview

# A person's record is in a period by its last change: someone changed after the day is still being worked on.
personal_data.register(
    Person, subject=True, region="region", moment="updated_at",
    erase=("name", "id_number", "id_digest", "phone", "phone_digest", "address", "workplace", "birth_date"),
    # audit_view's short digest prefixes; person.merge names the twin whose own entries stand under its old id
    audit_keys=("id_ref", "phone_ref"), audit_alias="merged_id")
personal_data.register(Household, region="region", moment="created_at", persons=("members",),
                       erase=("address", "head_name"))
personal_data.register(RegistrationReview, region="region", moment="submitted_at", persons=("person",),
                       erase=("submission", "note"))
