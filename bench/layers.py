"""Each hand-written performance layer against Django's own, measured in pairs in the same run.

    python -m bench.layers                                  # SQLite, every pair at the short scale
    python -m bench.layers --only sessions --requests 1000 --rounds 7
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python -m bench.layers --scale 4

DESIGN.md §5: a hand-written performance layer stays only where it buys at least 1.3× on a figure
the budget names. For each layer this bench measures that figure with the layer and with what Django
does without it, interleaved (round by round, the order of the variants rotating, so a noisy
neighbour on the shared machine slows both alike), and prints per layer the rates and the ratio
with ÷ without of each round: min and median.

Registration writes (req/s over HTTP, bench/followups.py's server and load; one server per variant,
each on its own copy of one seeded database, all running at once, loaded one at a time):
  rows         core.rows (one-row INSERT/UPDATE/SELECT built once per model) vs Model.save(),
               save(update_fields=…) and querysets: follow-up POST with a bearer token
Ledger import (seconds end to end, bench/import_ledger.py's workbook, each run into a fresh database, of a
new county's ledger and of the same ledger again, every person known):
  ledger_bulk  ledger.bulk.insert (COPY / executemany of plain tuples) vs QuerySet.bulk_create

--scale multiplies the requests and the ledger's rows (default: short, for `make bench`).
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
HTTP_LAYERS = ("rows",)
LEDGER_LAYERS = ("ledger_bulk",)
# variant → what it replaces, for the servers' --without
VARIANTS = {
    "as_is": "",
    "no_rows": "rows",
}


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


def without(layer: str) -> None:
    """Put Django's own in place of `layer` in this process (before the first request)."""
    if layer == "rows":
        without_rows()
    elif layer:
        raise SystemExit(f"unknown layer {layer!r}")


def serve(port: int) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fangkong.settings")
    import django
    django.setup()
    without(os.environ.get("FANGKONG_BENCH_WITHOUT", ""))
    followups.serve(port)


# The registration writes ------------------------------------------------------------------------

# (layer, the variants compared with as_is, the loads measured: auth of a follow-up POST)
HTTP_PAIRS = [
    ("rows", ["no_rows"], ["token"]),
]


def http_pairs(layers: list[str], requests: int, rounds: int, clients: int) -> list[str]:
    from bench.databases import TempDatabases, use_database
    pairs = [pair for pair in HTTP_PAIRS if pair[0] in layers]
    if not pairs:
        return []
    variants = {"as_is": {"token", "session"}}
    for _layer, others, auths in pairs:
        for variant in others:
            variants.setdefault(variant, set()).update(auths)
    for auths in variants.values():
        auths.update(*(a for _l, _o, a in pairs))  # as_is needs every load any pair compares with
    dbs = TempDatabases(os.environ.get("DATABASE_URL", ""), prefix="fangkong_bench_layers")
    engine = "PostgreSQL" if dbs.postgres else "SQLite"
    servers = {}
    try:
        dbs.migrated_template()
        seeded = followups.seed(requests)
        urls = {variant: dbs.fresh(variant) for variant in variants}
        for variant in variants:
            os.environ["FANGKONG_BENCH_WITHOUT"] = VARIANTS[variant]
            try:
                process, port = followups.start_server(urls[variant], dbs.folder / f"{variant}.log",
                                                       module="bench.layers")
            finally:
                del os.environ["FANGKONG_BENCH_WITHOUT"]
            loads = {auth: followups.Load(port, process.pid, clients, auth, seeded) for auth in variants[variant]}
            servers[variant] = (process, loads)
        for _process, loads in servers.values():  # warm up: imports, URL resolver, connections
            for load in loads.values():
                load.run("follow_up", 30, offset=10 ** 6)
        rates: dict[tuple[str, str], list[float]] = {}
        cpu: dict[tuple[str, str], list[float]] = {}
        order = list(variants)
        for r in range(rounds):
            for variant in order[r % len(order):] + order[:r % len(order)]:
                for auth, load in servers[variant][1].items():
                    rate, server_cpu, _client_cpu = load.run("follow_up", requests, offset=r * requests)
                    rates.setdefault((variant, auth), []).append(rate)
                    cpu.setdefault((variant, auth), []).append(server_cpu * 1000)
        lost = []
        for variant in variants:
            use_database(urls[variant])
            found = followups.written(seeded["doctor_id"])
            answered = sum(load.statuses["follow_up"].get(201, 0) for load in servers[variant][1].values())
            errors = [e for load in servers[variant][1].values() for e in load.errors]
            if found != answered or errors:
                lost.append(f"{variant}: {answered} answered 201, {found} rows; {errors[:2]}")
    finally:
        for process, _loads in servers.values():
            process.terminate()
            process.wait(10)
        dbs.drop()
    lines = [f"{engine}, follow-up POST over HTTP, {clients} clients, {requests} requests per variant, load "
             f"and round, {rounds} rounds (variants interleaved, one server each)"]
    for layer, others, auths in pairs:
        for variant in others:
            for auth in auths:
                lines.append(_pair_line(f"{layer} ({auth})", "as_is", variant, rates[("as_is", auth)],
                                        rates[(variant, auth)], "req/s"))
                lines.append(_pair_line("    server CPU per request", "as_is", variant, cpu[("as_is", auth)],
                                        cpu[(variant, auth)], "ms", higher_is_better=False))
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
    dbs = TempDatabases(os.environ.get("DATABASE_URL", ""), prefix="fangkong_bench_layers_ledger")
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
                        help=f"layers to measure (default all): {', '.join(HTTP_LAYERS + LEDGER_LAYERS)}")
    parser.add_argument("--scale", type=float, default=1.0,
                        help="multiplies --requests and --rows (default 1: short, for `make bench`)")
    parser.add_argument("--requests", type=int, default=200, help="requests per variant, load and round (200)")
    parser.add_argument("--rows", type=int, default=4000, help="ledger rows (4000)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of every variant (3)")
    parser.add_argument("--clients", type=int, default=4, help="client threads (4)")
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    args, _rest = parser.parse_known_args(argv)
    if args.serve:
        serve(args.serve)
        return []
    layers = [name for value in args.only for name in value.split(",")] or list(HTTP_LAYERS + LEDGER_LAYERS)
    unknown = set(layers) - set(HTTP_LAYERS + LEDGER_LAYERS)
    if unknown:
        raise SystemExit(f"unknown layers: {', '.join(sorted(unknown))}")
    started = time.monotonic()
    lines = http_pairs(layers, max(20, round(args.requests * args.scale)), max(1, args.rounds), args.clients)
    lines += ledger_pairs(layers, max(200, round(args.rows * args.scale)), max(1, args.rounds))
    lines.append(f"({time.monotonic() - started:.0f}s; a layer whose median ratio is below {THRESHOLD} "
                 "on its figure does not pay for itself, DESIGN.md §5)")
    return lines


if __name__ == "__main__":
    for line in main(sys.argv[1:]):
        print(line)
