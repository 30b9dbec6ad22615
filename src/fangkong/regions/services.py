"""Writes to the region table."""

from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from fangkong.audit import services as audit
from fangkong.core import region_codes as codes
from fangkong.core import spreadsheets
from fangkong.core.text import clean_name

from .models import Region

NAME_MAX_LENGTH = Region._meta.get_field("name").max_length
# A national table has ~700,000 codes (some 20 MB): beyond a ledger's limits, within these.
CODE_TABLE_LIMITS = {"max_bytes": 64 * spreadsheets.MB, "max_rows": 1_000_000, "max_cells": 5_000_000}


def _name_error(name: str) -> str | None:
    """What is wrong with a region name, if anything (checked here: PostgreSQL would fail the write)."""
    if not name:
        return _("名称为空")
    if len(name) > NAME_MAX_LENGTH:
        return _("名称超过%(max)d个字") % {"max": NAME_MAX_LENGTH}
    return None


@dataclass
class RegionImportResult:
    created: int = 0
    updated: int = 0
    errors: list[dict] = field(default_factory=list)

    @property
    def written(self) -> bool:
        return not self.errors and (self.created + self.updated) > 0


def _read_rows(table: list[list[str]]) -> list[tuple[int, str, str]]:
    """(line number, code, name) for each data line of the CSV; header `code,name` is required."""
    rows = []
    header_seen = False
    for line_no, row in enumerate(table, start=1):
        cells = [c.strip() for c in row]
        if not any(cells):
            continue
        if not header_seen:
            if [c.lower() for c in cells[:2]] != ["code", "name"]:
                raise ValidationError(_("第%(line)d行：表头必须是 code,name"), params={"line": line_no})
            header_seen = True
            continue
        code, name = (cells + ["", ""])[:2]
        rows.append((line_no, code, clean_name(name)))
    return rows


def import_region_file(actor, path) -> RegionImportResult:
    """Load a code table from a CSV file, read within CODE_TABLE_LIMITS (spreadsheets.FileError beyond them)."""
    return _import_table(actor, spreadsheets.csv_rows(path, Path(path).name,
                                                      limits=spreadsheets.import_limits(**CODE_TABLE_LIMITS)))


def _import_table(actor, table: list[list[str]]) -> RegionImportResult:
    """All lines are checked first; any error and nothing is written."""
    result = RegionImportResult()
    rows = _read_rows(table)
    levels = _check_lines(rows, result)
    _check_parents(rows, levels, result)
    if result.errors:
        result.errors.sort(key=lambda e: e["line"])
        return result
    _write(actor, rows, levels, result)
    return result


def _check_lines(rows, result: RegionImportResult) -> dict[str, str]:
    """Each line on its own: code structure, name, duplicates. Returns {code: level} of readable codes."""
    seen: dict[str, int] = {}
    levels: dict[str, str] = {}
    for line_no, code, name in rows:
        def err(reason, value=code, line=line_no):
            result.errors.append({"line": line, "code": value, "reason": reason})

        try:
            levels[code] = codes.check(code)
        except ValidationError as exc:
            err(exc.messages[0])
            continue
        if problem := _name_error(name):
            err(problem)
        if code in seen:
            err(_("代码重复，首次出现在第%(first)d行") % {"first": seen[code]})
            continue
        seen[code] = line_no
    return levels


def _check_parents(rows, levels: dict[str, str], result: RegionImportResult) -> None:
    """Every parent must be in the database or in the same file."""
    wanted = {codes.parent_code_of(c, lv) for c, lv in levels.items() if lv != codes.PROVINCE} - set(levels)
    existing = _existing_names(wanted)
    for line_no, code, _name in rows:
        level = levels.get(code)
        if level is None or level == codes.PROVINCE:
            continue
        parent = codes.parent_code_of(code, level)
        if parent not in existing and parent not in levels:
            result.errors.append({"line": line_no, "code": code,
                                  "reason": _("上级区划 %(parent)s 不存在") % {"parent": parent}})


# A national table has ~700,000 codes: look them up in slices, write them in batches.
LOOKUP_SLICE = 5000
WRITE_BATCH = 2000


def _existing_names(wanted) -> dict[str, str]:
    wanted = sorted(wanted)
    found: dict[str, str] = {}
    for i in range(0, len(wanted), LOOKUP_SLICE):
        found.update(Region.objects.filter(code__in=wanted[i:i + LOOKUP_SLICE]).values_list("code", "name"))
    return found


@transaction.atomic
def _write(actor, rows, levels, result: RegionImportResult) -> None:
    current = _existing_names(levels)
    new, renamed = [], []
    # parents first: a parent's code is its children's prefix padded with 0, so it sorts before them
    for _line, code, name in sorted(rows, key=lambda r: (codes.PREFIX_LENGTH[levels[r[1]]], r[1])):
        if code not in current:
            level = levels[code]
            new.append(Region(code=code, name=name, level=level, parent_id=codes.parent_code_of(code, level)))
        elif current[code] != name:
            renamed.append(Region(code=code, name=name))
    Region.objects.bulk_create(new, batch_size=WRITE_BATCH)
    Region.objects.bulk_update(renamed, ["name"], batch_size=WRITE_BATCH)
    result.created, result.updated = len(new), len(renamed)
    audit.record(
        actor, "region.import", object_type="region", object_id="", object_repr=_("区划代码表"),
        region=None, after={"created": result.created, "updated": result.updated},
    )


@transaction.atomic
def rename_region(actor, region: Region, name: str) -> Region:
    # the rule is accounts.permissions.can_manage_regions, asked through Django: accounts sits above regions
    if not actor.has_perm("regions.change_region") or not actor.region.contains(region.code):
        raise PermissionDenied(_("只有该区划的指挥部管理员可以修改区划"))
    name = clean_name(name)
    if not name:
        raise ValidationError({"name": _("名称不能为空")})
    if problem := _name_error(name):
        raise ValidationError({"name": problem})
    before = {"name": region.name}
    region.name = name
    region.save(update_fields=["name"])
    audit.record(actor, "region.rename", region, region=region.code, before=before, after={"name": name})
    return region
