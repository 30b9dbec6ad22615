import json

from django.core.management.base import BaseCommand
from django.core.serializers.json import DjangoJSONEncoder

from fangkong.audit import services as audit
from fangkong.core.cli import acting_user, service_errors

from ...selectors import chains as selectors
from ...services import chains as services


class Command(BaseCommand):
    help = ("Transmission chains (传播链): `chains show CASE` prints a case's chain as JSON (its ancestors and "
            "descendants, nothing personal); `chains link --infector A --infectee B [--confidence C] [--note T] "
            "--user NAME`, `chains change LINK --confidence C [--note T] --user NAME` and `chains unlink LINK "
            "--user NAME` write the links (CASE, A, B: a case number or id).")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        show = sub.add_parser("show", help="a case's chain as JSON")
        show.add_argument("case", help="case id")
        show.add_argument("--user", help="read as this user, inside their scope (default: the system)")
        link = sub.add_parser("link", help="infector → infectee")
        link.add_argument("--infector", required=True)
        link.add_argument("--infectee", required=True)
        link.add_argument("--confidence", default="probable", help="confirmed / probable / possible")
        link.add_argument("--note", default="")
        link.add_argument("--user", required=True, help="the investigator who records it")
        change = sub.add_parser("change", help="a link's confidence or note")
        change.add_argument("link", type=int)
        change.add_argument("--confidence", required=True)
        change.add_argument("--note")
        change.add_argument("--user", required=True)
        unlink = sub.add_parser("unlink", help="remove a link")
        unlink.add_argument("link", type=int)
        unlink.add_argument("--user", required=True)

    def handle(self, *args, action, **opts):
        user = acting_user(opts.get("user"))
        with service_errors(), audit.source("cli"):
            if action == "show":
                found = selectors.chain(user, opts["case"]).as_dict()
            elif action == "link":
                link = services.link_cases(user, infector=opts["infector"], infectee=opts["infectee"],
                                           confidence=opts["confidence"], note=opts["note"])
                found = {"id": link.pk, "infector": link.infector.number, "infectee": link.infectee.number,
                         "confidence": link.confidence}
            elif action == "change":
                link = services.change_link(user, opts["link"], confidence=opts["confidence"], note=opts["note"])
                found = {"id": link.pk, "confidence": link.confidence, "note": link.note}
            else:
                services.remove_link(user, opts["link"])
                found = {"removed": opts["link"]}
        self.stdout.write(json.dumps(found, ensure_ascii=False, cls=DjangoJSONEncoder))
