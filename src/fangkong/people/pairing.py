"""The pairs of possible duplicates (people.models.PossibleDuplicate), as the database keeps them: the rules in SQL,
the triggers on the persons' table that pair a person whenever one is written (made by the migration
`people 0005`), the scan that pairs every person there is, and the catch-up of recent persons.

On PostgreSQL, twins written at the same moment by two transactions do not see each other's uncommitted row in
their triggers and are not paired; `pair_since` pairs the persons written since a moment again (ON CONFLICT DO
NOTHING: pairs already there stay as they are), which the worker's daily job does (people.periodic).
"""

import datetime

from django.db import connection

PERSON, PAIRS = "people_person", "people_possibleduplicate"
# rule: (when the written person can match at all, how another person `p` matches it); NEW is the written person
RULES = {
    "same_id": ("NEW.id_digest <> ''", "p.id_digest = NEW.id_digest"),
    "name_phone": ("NEW.phone_digest <> ''", "p.phone_digest = NEW.phone_digest AND p.name = NEW.name"),
    # a grid's code starts with its village's 12 digits: the village is the code's first 12
    "name_birth_village": ("NEW.birth_date IS NOT NULL",
                           "p.name = NEW.name AND p.birth_date = NEW.birth_date"
                           " AND p.region_id >= substr(NEW.region_id, 1, 12)"
                           " AND p.region_id <= substr(NEW.region_id, 1, 12) || '999'"),
}
COMPARED = ("id_digest", "phone_digest", "name", "birth_date", "region_id")


def lowest_common_region(a: str, b: str) -> str:
    """The code of the lowest region holding both codes (a village, township, county, city or province; NULL when
    none): the longest common prefix at a level's end, padded with zeros."""
    levels = [(12, ""), (9, "000"), (6, "000000"), (4, "00000000"), (2, "0000000000")]
    return (f"CASE WHEN {a} = {b} THEN {a} "
            + " ".join(f"WHEN substr({a}, 1, {n}) = substr({b}, 1, {n}) THEN substr({a}, 1, {n}) || '{pad}'"
                       for n, pad in levels) + " END")


def insert_pairs(new: str, rule: str, *, only_older: bool = False, insert: str = "INSERT INTO",
                 tail: str = "") -> str:
    """The INSERT … SELECT of the rule's pairs of `new` (NEW in a trigger, where the caller checks that the rule
    applies; a table alias in the scan) with every other person it matches (`only_older`: those with a smaller id,
    so the scan finds each pair once)."""
    applies, match = (part.replace("NEW.", f"{new}.") for part in RULES[rule])
    older = f"CASE WHEN p.id < {new}.id THEN p.id ELSE {new}.id END"
    newer = f"CASE WHEN p.id < {new}.id THEN {new}.id ELSE p.id END"
    other = f"p.id < {new}.id" if only_older else f"p.id <> {new}.id"
    if new == "NEW":
        source = f"FROM {PERSON} p WHERE {match} AND {other}"
    else:
        source = f"FROM {PERSON} {new} JOIN {PERSON} p ON {match} AND {other} WHERE {applies}"
    return (f"{insert} {PAIRS} (rule, older, newer, region_id) SELECT '{rule}', {older}, {newer}, "
            f"{lowest_common_region('p.region_id', f'{new}.region_id')} {source}{tail}")


DROP_PAIRS = f"DELETE FROM {PAIRS} WHERE older = OLD.id OR newer = OLD.id"


def sqlite_triggers() -> list[str]:
    """A trigger per rule on insert, run only when the rule applies (a bulk load's rows often have no phone or
    birth date); one on a change of the compared values, one on delete."""
    changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in COMPARED)
    pairs = {rule: insert_pairs("NEW", rule, insert="INSERT OR IGNORE INTO") for rule in RULES}
    update = "; ".join(f"{sql} AND {RULES[rule][0]}" for rule, sql in pairs.items())
    return [
        *(f"CREATE TRIGGER people_possible_duplicates_insert_{rule} AFTER INSERT ON {PERSON} FOR EACH ROW "
          f"WHEN {RULES[rule][0]} BEGIN {sql}; END" for rule, sql in pairs.items()),
        f"CREATE TRIGGER people_possible_duplicates_update AFTER UPDATE OF {', '.join(COMPARED)} ON {PERSON} "
        f"FOR EACH ROW WHEN {changed} BEGIN {DROP_PAIRS}; {update}; END",
        f"CREATE TRIGGER people_possible_duplicates_delete AFTER DELETE ON {PERSON} FOR EACH ROW "
        f"BEGIN {DROP_PAIRS}; END",
    ]


def postgresql_triggers() -> list[str]:
    changed = " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in COMPARED)
    pairs = "\n".join(f"IF {RULES[rule][0]} THEN {insert_pairs('NEW', rule, tail=' ON CONFLICT DO NOTHING')}; END IF;"
                      for rule in RULES)
    run = "FOR EACH ROW EXECUTE FUNCTION people_possible_duplicates()"
    return [
        f"""CREATE FUNCTION people_possible_duplicates() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP <> 'INSERT' THEN {DROP_PAIRS}; END IF;
            IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
            {pairs}
            RETURN NEW;
        END $$""",
        f"CREATE TRIGGER people_possible_duplicates_insert AFTER INSERT ON {PERSON} {run}",
        f"CREATE TRIGGER people_possible_duplicates_update AFTER UPDATE OF {', '.join(COMPARED)} ON {PERSON} "
        f"FOR EACH ROW WHEN ({changed}) EXECUTE FUNCTION people_possible_duplicates()",
        f"CREATE TRIGGER people_possible_duplicates_delete AFTER DELETE ON {PERSON} {run}",
    ]


def rebuild(schema_editor) -> None:
    """Every pair of the persons there are, found anew."""
    schema_editor.execute(f"DELETE FROM {PAIRS}")
    for rule in RULES:
        schema_editor.execute(insert_pairs("n", rule, only_older=True))


def pair_since(since: datetime.datetime) -> int:
    """Pair again every person written (inserted or changed) at or after `since` with every person it matches;
    returns the pairs that were missing."""
    vendor = connection.vendor
    insert = "INSERT OR IGNORE INTO" if vendor == "sqlite" else "INSERT INTO"
    tail = " AND n.updated_at >= %s" + ("" if vendor == "sqlite" else " ON CONFLICT DO NOTHING")
    added = 0
    with connection.cursor() as cursor:
        for rule in RULES:
            cursor.execute(insert_pairs("n", rule, insert=insert, tail=tail),
                           [connection.ops.adapt_datetimefield_value(since)])
            added += max(cursor.rowcount, 0)
    return added
