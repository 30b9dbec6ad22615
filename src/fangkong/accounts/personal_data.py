"""The accounts app's data is the staff's, not the people's (core.personal_data): the audit trail names who did what."""

from fangkong.core import personal_data

from .models import ApiToken, LoginThrottle, User

STAFF = "a staff account: the audit trail names who did what by it"
personal_data.keep(User, username=STAFF, first_name=STAFF, last_name=STAFF, email=STAFF, display_name=STAFF,
                   phone=STAFF)
personal_data.keep(LoginThrottle, username_key="a keyed digest of a username typed at the login, kept minutes")
personal_data.keep(ApiToken, name="the token's label", digest="the token's hash")
