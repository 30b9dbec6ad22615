"""Who may trace whom, and read and run the reconciliation (who traces at all is accounts.permissions.can_trace)."""

from fangkong.accounts import permissions as account_permissions
from fangkong.accounts.models import Role
from fangkong.accounts.permissions import HQ, LEDGER_READ, has_role
from fangkong.core import region_codes as codes

# Whom a searcher may trace (decided here; selectors.exposure.subjects_for applies it): a person registered
# in the searcher's region subtree. Headquarters and investigation teams (流调队员) of a county or above
# trace across the county: any person, wherever registered, because tracing a case's contacts is their work and a case is often not one of their
# residents (a traveller from a neighbouring county who shopped here). Every other searcher, a village's or
# township's doctor or a township's headquarters, finds only persons of its own area: for them a person
# elsewhere does not exist, so the search cannot map a phone to a name outside their area. Whoever the
# subject, only presences inside the searcher's scope are read, and every number is shown masked; a reveal
# of one person follows the people app's rule (accounts.permissions.can_reveal and the person in scope).
EXPOSURE_ANY_SUBJECT = HQ | {Role.EPIDEMIOLOGIST}
EXPOSURE_ANY_SUBJECT_LEVELS = {codes.PROVINCE, codes.CITY, codes.COUNTY}
# read the reconciliation report: whoever reads the ledger (each in their own subtree)
RECONCILIATION_READ = LEDGER_READ
# see it in the menu: headquarters and townships (villages work from their task list)
RECONCILIATION_MENU = HQ | {Role.TOWNSHIP_STAFF, Role.SUPERVISOR, Role.VIEWER}
# run it now over their own subtree (cron runs it over the whole deployment)
RECONCILIATION_RUN = HQ | {Role.TOWNSHIP_STAFF}


def can_match_check_in(user, region_code: str) -> bool:
    """May confirm which person a public check-in at a place or checkpoint of `region_code` was (services.matching):
    a tracer (accounts.permissions.can_trace), for a check-in in their scope."""
    return account_permissions.can_trace(user) and codes.is_within(region_code, user.region_id)


def traces_across_county(user) -> bool:
    """May search any person, not only those of the user's region subtree (see EXPOSURE_ANY_SUBJECT)."""
    return (has_role(user, EXPOSURE_ANY_SUBJECT)
            and codes.level_of(user.region_id) in EXPOSURE_ANY_SUBJECT_LEVELS)


def can_view_reconciliation(user) -> bool:
    return has_role(user, RECONCILIATION_READ)


def shows_reconciliation(user) -> bool:
    """Menu: 来人核对 (不漏一人)."""
    return has_role(user, RECONCILIATION_MENU)


def can_run_reconciliation(user) -> bool:
    return has_role(user, RECONCILIATION_RUN)


# Cases and contact tracing. Every rule is applied within the user's region subtree (selectors scope by
# the case's or contact's region). Hospitals' doctors report cases and record lab tests; the CDC's
# investigation teams and headquarters investigate, confirm contacts, link chains and publish notices.
# A village worker is not here: they see that a person of their village is a case or a contact through
# the ledger category, never the investigation.
CASE_REPORT = HQ | {Role.DOCTOR, Role.EPIDEMIOLOGIST}
CASE_READ = CASE_REPORT | {Role.SUPERVISOR, Role.VIEWER}
INVESTIGATE = HQ | {Role.EPIDEMIOLOGIST}
PUBLISH_NOTICE = {Role.HQ_ADMIN, Role.EPIDEMIOLOGIST}


def can_report_case(user) -> bool:
    return has_role(user, CASE_REPORT)


def can_view_cases(user) -> bool:
    return has_role(user, CASE_READ)


def can_investigate(user) -> bool:
    return has_role(user, INVESTIGATE)


def can_publish_notice(user) -> bool:
    return has_role(user, PUBLISH_NOTICE)
