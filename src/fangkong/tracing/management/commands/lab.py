"""`fangkong lab list|sample|result`: lab tests (核酸/抗体检测) from the command line, as JSON, read and written as
the pages and the API do (scoped to --user, the person's number masked). A positive result proposes a case as
on the pages. Exit status 2 on bad input, 1 when the role may not."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from fangkong.core.paging import page_limit

from ... import rows
from ...models import LabResult
from ...selectors import lab as selectors
from ...services import lab as services
from ._tracing import BAD_INPUT, dumps, refusals, user_of


class Command(BaseCommand):
    help = ("Lab tests as JSON: `lab list [--result pending|negative|positive|inconclusive|all] [--lab NAME] "
            "[--after ID]` (pending ones the longest waiting first); `lab sample (--person ID | --id-number X) --lab "
            "NAME --sampled-at T [--kind K] [--specimen S] [--sample-number N] [--result R [--result-at T]]` "
            "(采样登记), `lab result ID --result R [--at T]` (检测结果; again with another value corrects it); each "
            "with --user NAME, acting inside that account's scope.")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        listing = sub.add_parser("list", help="the lab tests of the scope with a result (default: pending), a page")
        listing.add_argument("--result", default="pending", help="pending / negative / positive / inconclusive / all")
        listing.add_argument("--lab", default="", help="only this lab's (检测机构)")
        listing.add_argument("--after", default=None, help="the next_after of the page before")
        listing.add_argument("--user", required=True, help="read as this user, inside their scope")
        sample = sub.add_parser("sample", help="采样登记: a sample of a registered person (its result may come too)")
        sample.add_argument("--person", dest="person_id", default=None, help="the person's id")
        sample.add_argument("--id-number", dest="id_number", default="", help="or the person's ID number")
        sample.add_argument("--lab", required=True, help="检测机构")
        sample.add_argument("--sampled-at", dest="sampled_at", required=True, help="采样时间 YYYY-MM-DDTHH:MM")
        sample.add_argument("--kind", default="nucleic_acid", help="nucleic_acid / antibody")
        sample.add_argument("--specimen", default="throat_swab", help="throat_swab / nasal_swab / sputum / blood / other")
        sample.add_argument("--sample-number", dest="sample_number", default="", help="样本编号 (unique in the lab)")
        sample.add_argument("--result", default="pending", help="default: pending")
        sample.add_argument("--result-at", dest="result_at", default=None, help="default: now")
        sample.add_argument("--user", required=True, help="who records it")
        result = sub.add_parser("result", help="检测结果 of a sample")
        result.add_argument("test", help="lab test id")
        result.add_argument("--result", required=True, help="negative / positive / inconclusive")
        result.add_argument("--at", default=None, help="出结果时间 (default: now)")
        result.add_argument("--user", required=True, help="who records it")

    def handle(self, *args, action, **opts):
        user = user_of(opts.get("user"))
        key = opts.get("test") or opts.get("after") or ""
        with refusals(_("检测记录"), key):
            if action == "list":
                wanted = "" if opts["result"] == "all" else opts["result"]
                if wanted and wanted not in LabResult.values:  # the selector would list nothing, not say why
                    raise CommandError(_("result: 未知的检测结果 %(value)s") % {"value": wanted}, returncode=BAD_INPUT)
                found = selectors.lab_tests_for(user, result=wanted, lab=opts["lab"], after=opts["after"])
                result = {"lab_tests": [rows.lab_test(t) for t in found],
                          "next_after": found[-1].pk if len(found) == page_limit(None) else None}
            else:
                if action == "sample":
                    pk = services.record_sample(user, **{name: opts[name] for name in (
                        "person_id", "id_number", "lab", "sampled_at", "kind", "specimen", "sample_number", "result",
                        "result_at")}).pk
                else:
                    pk = services.record_result(user, selectors.lab_test_for(user, key), result=opts["result"],
                                                result_at=opts["at"]).pk
                result = rows.lab_test(selectors.lab_test_for(user, pk))
        self.stdout.write(dumps(result))
