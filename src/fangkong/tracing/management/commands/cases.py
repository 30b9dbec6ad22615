"""`fangkong cases list|show|report|update|reclassify|outcome`: cases (病例) from the command line, as JSON, read and
written as the pages and the API do (scoped to --user, numbers masked; `show --reveal` gives the person's full
numbers to a role that may see them, logged). Exit status 2 on bad input, 1 when the role may not."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from fangkong.core.paging import page_limit
from fangkong.people import services as people_services

from ... import rows
from ...selectors import cases as selectors
from ...services import cases as services
from ._tracing import dumps, refusals, user_of

DATES = [("onset", "onset_date", "发病日期 YYYY-MM-DD"), ("first-visit", "first_visit_date", "初诊日期"),
         ("diagnosed-at", "diagnosed_at", "诊断时间 YYYY-MM-DDTHH:MM"), ("reported-at", "reported_at", "报告时间（默认现在）"),
         ("confirmed-at", "confirmed_at", "确诊时间"), ("isolated-at", "isolated_at", "隔离时间"),
         ("admitted-at", "admitted_at", "入院时间")]


class Command(BaseCommand):
    help = ("Cases (病例) as JSON: `cases list [--classification C] [--late] [--after ID]`, `cases show ID "
            "[--reveal]` (with its history); `cases report (--person ID | --name N --id-number X --region CODE) "
            "--classification C --found-by F --reporting-unit U --diagnosed-at T …`, `cases update ID [--onset D] [--diagnosed-at T] [--found-by F] [--reporting-unit U] "
            "[--note T] …` (corrects what is given, the rest stays), `cases reclassify ID "
            "--classification C [--severity S] --reason R`, `cases outcome ID --outcome discharged|died [--at T]`, "
            "each with --user NAME: acting as that account, inside its scope.")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        listing = sub.add_parser("list", help="the cases of the scope, newest first (a page)")
        listing.add_argument("--classification", default="", help="suspected / confirmed / asymptomatic / excluded")
        listing.add_argument("--late", action="store_true", help="only those reported more than 2 hours late")
        listing.add_argument("--after", default=None, help="the next_after of the page before")
        show = sub.add_parser("show", help="one case with its history")
        show.add_argument("case", help="case id")
        show.add_argument("--reveal", action="store_true", help="the person's full ID number and phone (logged)")
        report = sub.add_parser("report", help="report a case of a registered person (--person) or of one named")
        report.add_argument("--person", dest="person_id", default=None, help="the person's id")
        report.add_argument("--name", default="")
        report.add_argument("--id-type", dest="id_type", default="resident_id")
        report.add_argument("--id-number", dest="id_number", default="")
        report.add_argument("--region", dest="region_code", default="", help="the person's village or grid")
        report.add_argument("--phone", default="")
        report.add_argument("--address", default="")
        report.add_argument("--workplace", default="")
        report.add_argument("--classification", required=True, help="suspected / confirmed / asymptomatic")
        report.add_argument("--severity", default="", help="a confirmed case's: mild / moderate / severe / critical")
        report.add_argument("--found-by", dest="found_by", required=True,
                            help="fever_clinic / checkpoint / key_person / contact_screening / active_screening / other")
        report.add_argument("--reporting-unit", dest="reporting_unit", required=True)
        for option, dest, text in DATES:
            report.add_argument(f"--{option}", dest=dest, default=None, help=text)
        report.add_argument("--note", default="")
        update = sub.add_parser("update", help="correct the dates, how it was found, the reporting unit or the note")
        update.add_argument("case", help="case id")
        for option, dest, text in DATES:
            update.add_argument(f"--{option}", dest=dest, default=None, help=text.replace("（默认现在）", ""))
        update.add_argument("--found-by", dest="found_by", default=None)
        update.add_argument("--reporting-unit", dest="reporting_unit", default=None)
        update.add_argument("--note", default=None)
        reclassify = sub.add_parser("reclassify", help="订正 the classification and/or severity, with the reason")
        reclassify.add_argument("case", help="case id")
        reclassify.add_argument("--classification", required=True)
        reclassify.add_argument("--severity", default="")
        reclassify.add_argument("--reason", required=True)
        reclassify.add_argument("--at", default=None, help="default: now")
        outcome = sub.add_parser("outcome", help="转归: discharged (出院) or died (死亡)")
        outcome.add_argument("case", help="case id")
        outcome.add_argument("--outcome", required=True, help="discharged / died")
        outcome.add_argument("--at", default=None, help="default: now")
        outcome.add_argument("--note", default="")
        for p in (listing, show):
            p.add_argument("--user", required=True, help="read as this user, inside their scope")
        for p in (report, update, reclassify, outcome):
            p.add_argument("--user", required=True, help="who writes it")

    def handle(self, *args, action, **opts):
        user = user_of(opts.get("user"))
        key = opts.get("case") or opts.get("after") or ""
        with refusals(_("病例"), key):
            if action == "list":
                found = selectors.cases_for(user, classification=opts["classification"], late=opts["late"],
                                            after=opts["after"])
                result = {"cases": [rows.case(c) for c in found],
                          "next_after": found[-1].pk if len(found) == page_limit(None) else None}
            else:
                if action == "report":
                    pk = services.report_case(user, **{name: opts[name] for name in (
                        "person_id", "name", "id_type", "id_number", "region_code", "phone", "address", "workplace",
                        "classification", "severity", "found_by", "reporting_unit", "note",
                        *(dest for _o, dest, _t in DATES))}).pk
                elif action == "update":
                    changes = {name: opts[name] for name in services.UPDATABLE if opts[name] is not None}
                    pk = services.update_case(user, selectors.case_for(user, key), **changes).pk
                elif action == "reclassify":
                    pk = services.reclassify(user, selectors.case_for(user, key), classification=opts["classification"],
                                             severity=opts["severity"], reason=opts["reason"], at=opts["at"]).pk
                elif action == "outcome":
                    pk = services.record_outcome(user, selectors.case_for(user, key), outcome=opts["outcome"],
                                                 at=opts["at"], note=opts["note"]).pk
                else:
                    pk = key
                case = selectors.case_for(user, pk)
                result = rows.case_detail(case)
                if opts.get("reveal"):
                    result["revealed"] = people_services.reveal_person(user, case.person)
        self.stdout.write(dumps(result))
