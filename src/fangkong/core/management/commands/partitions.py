"""`fangkong partitions`: the large registers' monthly partitions and retention; `--maintain` runs the daily
job now (months ahead made, rows past FANGKONG_RETENTION_MONTHS removed), `--dry-run` only says what would go."""

import json

from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.core import partitions


class Command(BaseCommand):
    help = _("大表按月分区与保留期限：查看；--maintain 立即执行每日维护")

    def add_arguments(self, parser):
        parser.add_argument("--maintain", action="store_true", help=_("立即建好后续月份的分区并删除超过保留期限的数据"))
        parser.add_argument("--dry-run", action="store_true", help=_("与 --maintain 同用：只显示将删除的数据，不删除"))
        parser.add_argument("--json", action="store_true", help=_("以 JSON 输出"))

    def handle(self, *args, **opts):
        kept = partitions.retention()
        if opts["maintain"]:
            summary = partitions.maintain(timezone.now(), dry_run=opts["dry_run"])
            self.stdout.write(json.dumps(summary, ensure_ascii=False, indent=1) if opts["json"] else
                              self._summary(summary, dry_run=opts["dry_run"]))
            return
        rows = [{"register": reg.name, "table": reg.table, "partitioned": partitions.is_partitioned(reg.table),
                 "retention_months": kept.get(reg.name),
                 "partitions": [{"name": p.name, "month": p.month and f"{p.month:%Y-%m}", "rows": p.rows}
                                for p in partitions.partitions(reg.table)]}
                for reg in partitions.registers()]
        if opts["json"]:
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=1))
            return
        for row in rows:
            months = row["retention_months"]
            kept_text = _("保留 %(n)s 个月") % {"n": months} if months else _("全部保留")
            shape = _("按月分区") if row["partitioned"] else _("未分区")
            self.stdout.write(f"{row['register']}  {row['table']}  {shape}  {kept_text}")
            for part in row["partitions"]:
                month = part["month"] or _("默认分区（不在任何月份内的行）")
                rows_text = _("约 %(n)s 行") % {"n": part["rows"]} if part["rows"] >= 0 else _("未统计")
                self.stdout.write(f"  {month}  {part['name']}  {rows_text}")

    def _summary(self, summary: dict, *, dry_run: bool) -> str:
        lines = []
        for name, entry in summary.items():
            made = ", ".join(entry["made"]) or _("无")
            lines.append(_("%(name)s：新建分区 %(made)s") % {"name": name, "made": made})
            expired = entry.get("expired")
            if expired:
                verb = _("将删除") if dry_run else _("已删除")
                lines.append(_("  %(verb)s %(before)s 之前的 %(rows)s 行（分区 %(parts)s）") % {
                    "verb": verb, "before": expired["before"][:10], "rows": expired["rows"],
                    "parts": ", ".join(expired["partitions"]) or _("无")})
        return "\n".join(lines)
