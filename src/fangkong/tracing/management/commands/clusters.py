import json
import re

from django.core.management.base import BaseCommand
from django.core.serializers.json import DjangoJSONEncoder

from fangkong.audit import services as audit
from fangkong.core.cli import acting_user, service_errors

from ...selectors import chains as selectors
from ...services import chains as services


def _cases(text: str) -> list[str]:
    return [n for n in re.split(r"[\s,，、]+", text or "") if n]


class Command(BaseCommand):
    help = ("Clusters (聚集性疫情) as JSON: `clusters list [--after CURSOR]`, `clusters show ID`; and their writes: "
            "`clusters create --name N --setting household|place|gathering --region CODE --cases A,B[,…]`, "
            "`clusters add ID --cases A[,…]`, `clusters remove ID CASE`, `clusters merge ID OTHER`, "
            "`clusters dissolve ID --reason T`, each with --user NAME (the investigator).")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        listing = sub.add_parser("list", help="the clusters of the scope, the latest last case first")
        listing.add_argument("--after", default="", help="the next_after of the page before")
        show = sub.add_parser("show", help="one cluster with its graph")
        show.add_argument("cluster", type=int)
        create = sub.add_parser("create")
        create.add_argument("--name", required=True)
        create.add_argument("--setting", required=True)
        create.add_argument("--region", required=True)
        create.add_argument("--cases", required=True, help="case numbers or ids, comma-separated")
        create.add_argument("--note", default="")
        add = sub.add_parser("add")
        add.add_argument("cluster", type=int)
        add.add_argument("--cases", required=True)
        remove = sub.add_parser("remove")
        remove.add_argument("cluster", type=int)
        remove.add_argument("case")
        merge = sub.add_parser("merge", help="OTHER's cases join ID, OTHER goes")
        merge.add_argument("cluster", type=int)
        merge.add_argument("other", type=int)
        dissolve = sub.add_parser("dissolve")
        dissolve.add_argument("cluster", type=int)
        dissolve.add_argument("--reason", required=True)
        for p in (listing, show):
            p.add_argument("--user", help="read as this user, inside their scope (default: the system)")
        for p in (create, add, remove, merge, dissolve):
            p.add_argument("--user", required=True)

    def handle(self, *args, action, **opts):
        user = acting_user(opts.get("user"))
        with service_errors(opts.get("region") or ""), audit.source("cli"):
            if action == "list":
                page = selectors.clusters_for(user, after=opts["after"])
                found = {"clusters": [selectors.cluster_dict(c) for c in page.clusters], "next_after": page.next_after}
            elif action == "dissolve":
                services.dissolve_cluster(user, opts["cluster"], reason=opts["reason"])
                found = {"dissolved": opts["cluster"]}
            else:
                if action == "create":
                    pk = services.create_cluster(user, name=opts["name"], setting=opts["setting"],
                                                 region=opts["region"], cases=_cases(opts["cases"]),
                                                 note=opts["note"]).pk
                elif action == "add":
                    pk = services.add_cases(user, opts["cluster"], _cases(opts["cases"])).pk
                elif action == "remove":
                    pk = services.remove_case(user, opts["cluster"], opts["case"]).pk
                elif action == "merge":
                    pk = services.merge_clusters(user, opts["cluster"], opts["other"]).pk
                else:
                    pk = opts["cluster"]
                cluster = selectors.cluster_for(user, pk)
                found = {"cluster": selectors.cluster_dict(cluster),
                         "graph": selectors.cluster_graph(user, cluster).as_dict()}
        self.stdout.write(json.dumps(found, ensure_ascii=False, cls=DjangoJSONEncoder))
