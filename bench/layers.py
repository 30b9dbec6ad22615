"""Each hand-written performance layer against Django's own, measured in pairs in the same run.

    python -m bench.layers                                  # SQLite, every pair at the short scale
    python -m bench.layers --only rows --requests 1000 --rounds 9
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python -m bench.layers --scale 4

DESIGN.md §5: a hand-written performance layer stays only where it buys at least 1.3× on a figure
the budget names. For each layer this bench measures that figure with the layer and with what Django
does without it, interleaved (round by round, the order of the variants rotating, so a noisy
neighbour on the shared machine slows both alike), and prints per layer the rates and the ratio
with ÷ without of each round: min and median.

Registration writes (req/s over HTTP with every write checked afterwards; the servers and loads of
bench/followups.py and bench/passages.py; one server per variant, each on its own copy of one seeded
database, all running at once, loaded one at a time; the server's CPU per request beside):
  rows           core.rows (one-row INSERT/UPDATE/SELECT built once per model) vs Model.save(),
                 save(update_fields=…) and querysets: follow-up POST (token), passage POST (token),
                 public check-in POST
Exposure search (ms, bench/exposure.py's county and subject, in this process):
  exposure       its range reads in plain SQL vs the same ranges ORed with Q objects in querysets
Ledger import (seconds end to end, bench/import_ledger.py's workbook, each run into a fresh database, of a
new county's ledger and of the same ledger again, every person known):
  ledger_bulk    ledger.bulk.insert (COPY / executemany of plain tuples) vs QuerySet.bulk_create

--scale multiplies the requests, the check-ins and the ledger's rows (default: short, for `make bench`).
"""

import argparse
import datetime
import functools
import os
import re
import statistics
import sys
import time

from bench import followups

THRESHOLD = 1.3
BASE_URL = os.environ.get("DATABASE_URL", "")  # the server next to which the temporary databases are made
HTTP_LAYERS = ("rows",)
EXPOSURE_LAYERS = ("exposure",)
LEDGER_LAYERS = ("ledger_bulk",)
LAYERS = HTTP_LAYERS + EXPOSURE_LAYERS + LEDGER_LAYERS


# Django's own, put in the server in place of each layer -------------------------------------------

_CLAUSE = re.compile(r"^(\w+) (=|>=|<=|<|>) %s$")
_LOOKUPS = {"=": "exact", ">=": "gte", "<=": "lte", "<": "lt", ">": "gt"}


@functools.cache
def _filters(model, where: str) -> tuple[tuple[str, bool], ...]:
    """`where` of core.rows.select ("a = %s AND b >= %s …") as queryset lookups: (attname__lookup, is_datetime)."""
    from django.db import models
    fields = {f.column: f for f in model._meta.concrete_fields}
    found = []
    for clause in where.split(" AND "):
        column, op = _CLAUSE.match(clause.strip()).groups()
        field = fields[column]
        found.append((f"{field.attname}__{_LOOKUPS[op]}", isinstance(field, models.DateTimeField)))
    return tuple(found)


def orm_select(model, names, where: str, params, suffix: str = "") -> list:
    """core.rows.select as a queryset: filter(…).only(…), select_for_update(), order_by(), a slice."""
    kwargs = {}
    for (lookup, is_datetime), value in zip(_filters(model, where), params, strict=True):
        if is_datetime and isinstance(value, str):  # SQLite's adapted datetime: naive, in UTC
            value = datetime.datetime.fromisoformat(value).replace(tzinfo=datetime.UTC)
        kwargs[lookup] = value
    qs = model.objects.filter(**kwargs).only(*names)
    if "FOR UPDATE" in suffix:
        qs = qs.select_for_update()
    if order := re.search(r"ORDER BY (\w+)", suffix):
        qs = qs.order_by(order[1])
    if limit := re.search(r"LIMIT (\d+)", suffix):
        qs = qs[:int(limit[1])]
    return list(qs)


def orm_insert(obj):
    obj.save(force_insert=True)
    return obj


def orm_update(obj, names) -> None:
    obj.save(update_fields=list(names))


def without_rows() -> None:
    """Every reference to core.rows' insert/update/select, in every loaded fangkong module, replaced."""
    import fangkong.api  # noqa: F401 (every app's services loaded before their names are replaced; not the URLs yet)
    from fangkong.core import rows
    replace = {id(rows.insert): orm_insert, id(rows.update): orm_update, id(rows.select): orm_select}
    for module in list(sys.modules.values()):
        if not getattr(module, "__name__", "").startswith("fangkong."):
            continue
        for name, value in list(vars(module).items()):
            if id(value) in replace:
                setattr(module, name, replace[id(value)])


REPLACEMENTS = {"rows": without_rows}


def without(layers: str) -> None:
    """Put Django's own in place of each of the comma-separated `layers` in this process (before any request)."""
    for layer in filter(None, layers.split(",")):
        if layer not in REPLACEMENTS:
            raise SystemExit(f"unknown layer {layer!r}")
        REPLACEMENTS[layer]()


def serve(port: int) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fangkong.settings")
    import django
    django.setup()
    from django.conf import settings
    settings.FANGKONG_CHECK_IN_RATE = 10 ** 9  # every request comes from 127.0.0.1 (as in bench/passages.py)
    without(os.environ.get("FANGKONG_BENCH_WITHOUT", ""))
    followups.serve(port)


# The registration writes ------------------------------------------------------------------------

class _FollowUps:
    """bench/followups.py's seed and load: follow-up POST as the village doctor, with a bearer token."""

    kinds = ("follow_up",)

    def seed(self, requests: int) -> None:
        self.seeded = followups.seed(requests)

    def load(self, port: int, pid: int, clients: int):
        return followups.Load(port, pid, clients, "token", self.seeded)

    def written(self) -> dict[str, int]:
        return {"follow_up": followups.written(self.seeded["doctor_id"])}


class _Passages:
    """bench/passages.py's seed and load: passage POST (token) and public check-in POST."""

    kinds = ("passage", "check_in")

    def seed(self, requests: int) -> None:
        from bench import passages
        self.seeded = passages.seed()

    def load(self, port: int, pid: int, clients: int):
        from bench import passages
        return passages.Load(port, pid, clients, self.seeded)

    def written(self) -> dict[str, int]:
        from bench import passages
        return passages.written(self.seeded)


# (layer, group, [(variant, the variant it is compared with)]); a variant names what it replaces
HTTP_PAIRS = [
    ("rows", _FollowUps, [("rows", "")]),
    ("rows", _Passages, [("rows", "")]),
]


def http_pairs(layers: list[str], requests: int, rounds: int, clients: int) -> list[str]:
    lines = []  # each layer and group with servers of its own: PostgreSQL's 100 connections are shared
    for layer, group, compared in HTTP_PAIRS:
        if layer in layers:
            lines += _http_group(group(), [(layer, compared)], requests, rounds, clients)
    return lines


LABELS = {"rows": "save()"}


def _label(variant: str) -> str:
    return "+".join(LABELS[layer] for layer in variant.split(",")) if variant else "as_is"


def _http_group(group, pairs, requests: int, rounds: int, clients: int) -> list[str]:
    from bench.databases import TempDatabases, use_database
    variants = list(dict.fromkeys(v for _layer, compared in pairs for pair in compared for v in (pair[1], pair[0])))
    dbs = TempDatabases(BASE_URL, prefix="fangkong_bench_layers")
    engine = "PostgreSQL" if dbs.postgres else "SQLite"
    servers = {}
    rates: dict[tuple[str, str], list[float]] = {}
    cpu: dict[tuple[str, str], list[float]] = {}
    try:
        dbs.migrated_template()
        group.seed(requests)
        urls = {variant: dbs.fresh(f"v{i}") for i, variant in enumerate(variants)}
        for variant in variants:
            os.environ["FANGKONG_BENCH_WITHOUT"] = variant
            try:
                process, port = followups.start_server(urls[variant], dbs.folder / f"v{len(servers)}.log",
                                                       module="bench.layers")
            finally:
                del os.environ["FANGKONG_BENCH_WITHOUT"]
            servers[variant] = (process, group.load(port, process.pid, clients))
        for _process, load in servers.values():  # warm up: imports, URL resolver, connections
            for kind in group.kinds:
                load.run(kind, 30, offset=10 ** 6)
        for r in range(rounds):
            for variant in variants[r % len(variants):] + variants[:r % len(variants)]:
                for kind in group.kinds:
                    rate, server_cpu = servers[variant][1].run(kind, requests, offset=r * requests)[:2]
                    rates.setdefault((variant, kind), []).append(rate)
                    cpu.setdefault((variant, kind), []).append(server_cpu * 1000)
        lost = []
        for variant in variants:
            use_database(urls[variant])
            load, found = servers[variant][1], group.written()
            for kind in group.kinds:
                answered = load.statuses[kind].get(201, 0)
                if found[kind] != answered or answered != sum(load.statuses[kind].values()):
                    log = (dbs.folder / f"v{variants.index(variant)}.log").read_text()[-1500:]
                    lost.append(f"{_label(variant)} {kind}: {load.statuses[kind]}, {found[kind]} rows; the server "
                                f"said: {log}")
    finally:
        for process, _load in servers.values():
            process.terminate()
            process.wait(10)
        dbs.drop()
    lines = [f"{engine}, {' and '.join(group.kinds)} POST over HTTP, {clients} clients, {requests} requests per "
             f"variant, kind and round, {rounds} rounds (variants interleaved, one server each)"]
    for layer, compared in pairs:
        for variant, base in compared:
            for kind in group.kinds:
                lines.append(_pair_line(f"{layer} ({kind})", _label(base), _label(variant), rates[(base, kind)],
                                        rates[(variant, kind)], "req/s"))
                lines.append(_pair_line("    server CPU per request", _label(base), _label(variant), cpu[(base, kind)],
                                        cpu[(variant, kind)], "ms", higher_is_better=False))
    assert not lost, f"lost or extra writes: {lost}"
    return lines


def _pair_line(label: str, with_name: str, without_name: str, with_values: list[float],
               without_values: list[float], unit: str, higher_is_better: bool = True) -> str:
    """Rates (or times) of both variants, median of the rounds, and with ÷ without per round: min, median."""
    ratios = [(w / o if higher_is_better else o / w) for w, o in zip(with_values, without_values, strict=True)]
    ratio = statistics.median(ratios)
    verdict = f"≥ {THRESHOLD}: pays for itself" if ratio >= THRESHOLD else f"< {THRESHOLD}: does not pay"
    return (f"  {label}: {with_name} {statistics.median(with_values):.{_digits(unit)}f} {unit}, {without_name} "
            f"{statistics.median(without_values):.{_digits(unit)}f} {unit} (medians); {with_name} ÷ {without_name} "
            f"min {min(ratios):.2f}, median {ratio:.2f} ({verdict})")


def _digits(unit: str) -> int:
    return 0 if unit == "req/s" else 2


# The exposure search ----------------------------------------------------------------------------

def orm_range_reads(intervals: dict, scope_code: str):
    """tracing.selectors.exposure._range_reads by querysets: the same ranges ORed with Q objects."""
    from django.db.models import Q

    from fangkong.checkpoints.models import Passage
    from fangkong.core import region_codes as codes
    from fangkong.places.models import CheckIn
    from fangkong.tracing.selectors import exposure as ex
    low_code, high_code = codes.subtree_bounds(scope_code)
    typed = ("id", "id_digest", "phone_digest", "name")
    reads = [(ex.CHECK_IN, ex.PLACE, CheckIn, "place_id", "checked_in_at", typed),
             (ex.CHECK_IN, ex.CHECKPOINT, CheckIn, "checkpoint_id", "checked_in_at", typed),
             (ex.PASSAGE, ex.CHECKPOINT, Passage, "checkpoint_id", "passed_at", ())]
    for source, kind, model, target, moment, extra in reads:
        terms = [(target_id, low, high) for (k, target_id), merged in intervals.items() if k == kind
                 for low, high, _inside in merged]
        for start in range(0, len(terms), ex.CHUNK):
            ranges = Q()
            for target_id, low, high in terms[start:start + ex.CHUNK]:
                ranges |= Q(**{target: target_id, f"{moment}__gte": low, f"{moment}__lte": high})
            rows = (model.objects.filter(ranges, region_id__gte=low_code, region_id__lte=high_code)
                    .values_list(target, "person_id", moment, *extra)[:ex.MAX_CONTACTS + 1])
            yield source, kind, [(t, p, at, *(rest or (None,) * 4)) for t, p, at, *rest in rows]


def exposure_pairs(layers: list[str], checkins: int, rounds: int, repeat: int = 5) -> list[str]:
    """The exposure search (bench/exposure.py's county and subject) with the plain SQL range reads and with
    querysets, in the same process: per round `repeat` runs of each, alternating; the round's medians compared."""
    if "exposure" not in layers:
        return []
    from bench import exposure
    from bench.databases import TempDatabases, use_database
    dbs = TempDatabases(BASE_URL, prefix="fangkong_bench_layers_exposure")
    engine = "PostgreSQL" if dbs.postgres else "SQLite"
    times: dict[str, list[float]] = {}
    try:
        dbs.migrated_template()
        use_database(dbs.fresh("data"))
        counts = exposure.load(checkins, max(100, checkins // 100), 40)
        from fangkong.tracing.selectors import exposure as selectors
        as_is = selectors._range_reads
        search = exposure.operations()["exposure"]
        found = {}
        for variant, reads in (("as_is", as_is), ("querysets", orm_range_reads)):
            selectors._range_reads = reads
            result = search()  # warm: connection, caches, plans
            found[variant] = sorted((c.person_id, c.check_in_id, c.at) for c in result.contacts)
        assert found["as_is"] == found["querysets"], "the two range reads found different contacts"
        for r in range(rounds):
            for variant, reads in (("as_is", as_is), ("querysets", orm_range_reads))[::1 if r % 2 == 0 else -1]:
                selectors._range_reads = reads
                runs = []
                for _ in range(repeat):
                    started = time.perf_counter()
                    search()
                    runs.append((time.perf_counter() - started) * 1000)
                times.setdefault(variant, []).append(statistics.median(runs))
        selectors._range_reads = as_is
    finally:
        dbs.drop()
    return [f"{engine}, exposure search over {counts['check-ins']:,} check-ins ({len(found['as_is'])} contacts), "
            f"{rounds} rounds of {repeat} runs each (variants alternating)",
            _pair_line("exposure (search)", "as_is", "querysets", times["as_is"], times["querysets"], "ms",
                       higher_is_better=False)]


# The ledger import ------------------------------------------------------------------------------

def bulk_create_insert(model, fields, rows, constants=None) -> None:
    """ledger.bulk.insert by QuerySet.bulk_create: an instance per row (ids given, as the importer reserves them)."""
    from django.db import models

    from fangkong.ledger.bulk import BATCH
    names = [model._meta.get_field(name).attname for name in fields]
    constants = {model._meta.get_field(name).attname: value for name, value in (constants or {}).items()}
    json_fields = {f.attname for f in model._meta.concrete_fields if isinstance(f, models.JSONField)}
    import json

    def instance(row):
        values = dict(zip(names, row, strict=True))
        for name in json_fields & values.keys():  # the bulk writer takes JSON as text already
            values[name] = json.loads(values[name]) if values[name] is not None else None
        return model(**values, **constants)

    model.objects.bulk_create((instance(row) for row in rows), batch_size=BATCH)


def ledger_pairs(layers: list[str], rows: int, rounds: int) -> list[str]:
    from bench import import_ledger
    from bench.databases import TempDatabases, use_database
    dbs = TempDatabases(BASE_URL, prefix="fangkong_bench_layers_ledger")
    engine = "PostgreSQL" if dbs.postgres else "SQLite"
    if "ledger_bulk" not in layers:
        return []
    times: dict[str, list[float]] = {}
    try:
        dbs.migrated_template()
        from fangkong.ledger import bulk, services
        variants = {"as_is": {}, "bulk_create": {(bulk, "insert"): bulk_create_insert}}
        user, villages = import_ledger.seed_county()
        path = dbs.folder / f"ledger-{rows}.xlsx"
        import_ledger.make_workbook(path, rows, villages)
        order = list(variants)
        for scenario in ("new", "again"):
            if scenario == "again":  # the template gets the ledger: every later copy knows its people
                use_database(dbs.url(dbs.template))
                services.import_ledger(user, path, filename=path.name, region_code=import_ledger.COUNTY,
                                       today=import_ledger.TODAY)
            for r in range(rounds):
                for variant in order[r % len(order):] + order[:r % len(order)]:
                    saved = [(module, name, getattr(module, name)) for module, name in variants[variant]]
                    for (module, name), replacement in variants[variant].items():
                        setattr(module, name, replacement)
                    try:
                        elapsed, result = import_ledger.import_once(dbs, path)
                    finally:
                        for module, name, original in saved:
                            setattr(module, name, original)
                    if not result["written"] or result["created"] + result["updated"] < rows * 0.9:
                        raise SystemExit(f"{variant}: the ledger was not imported: {result['errors'][:3]}")
                    times.setdefault((scenario, variant), []).append(elapsed)
    finally:
        dbs.drop()
    lines = [f"{engine}, ledger import end to end, {rows} rows, {rounds} rounds (variants interleaved, each "
             f"into a fresh database): a new county's ledger, then the same imported again"]
    for scenario in ("new", "again"):
        lines.append(_pair_line(f"ledger_bulk ({scenario})", "as_is", "bulk_create", times[(scenario, "as_is")],
                                times[(scenario, "bulk_create")], "s", higher_is_better=False))
    return lines


def main(argv=None) -> list[str]:
    parser = argparse.ArgumentParser(prog="python -m bench.layers", description=__doc__.split("\n")[0])
    parser.add_argument("--only", action="append", default=[],
                        help=f"layers to measure (default all): {', '.join(LAYERS)}")
    parser.add_argument("--scale", type=float, default=1.0,
                        help="multiplies --requests and --rows (default 1: short, for `make bench`)")
    parser.add_argument("--requests", type=int, default=200, help="requests per variant, load and round (200)")
    parser.add_argument("--rows", type=int, default=4000, help="ledger rows (4000)")
    parser.add_argument("--checkins", type=int, default=50_000, help="check-ins of the exposure search (50,000)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of every variant (3)")
    parser.add_argument("--clients", type=int, default=4, help="client threads (4)")
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    args, _rest = parser.parse_known_args(argv)
    if args.serve:
        serve(args.serve)
        return []
    layers = [name for value in args.only for name in value.split(",")] or list(LAYERS)
    unknown = set(layers) - set(LAYERS)
    if unknown:
        raise SystemExit(f"unknown layers: {', '.join(sorted(unknown))}")
    started = time.monotonic()
    lines = http_pairs(layers, max(20, round(args.requests * args.scale)), max(1, args.rounds), args.clients)
    lines += exposure_pairs(layers, max(20_000, round(args.checkins * args.scale)), max(1, args.rounds))
    lines += ledger_pairs(layers, max(200, round(args.rows * args.scale)), max(1, args.rounds))
    lines.append(f"({time.monotonic() - started:.0f}s; a layer whose median ratio is below {THRESHOLD} "
                 "on its figure does not pay for itself, DESIGN.md §5)")
    return lines


if __name__ == "__main__":
    for line in main(sys.argv[1:]):
        print(line)
