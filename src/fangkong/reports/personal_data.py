"""The daily reports are figures and the region's own words, kept as they were signed (core.personal_data)."""

from fangkong.core import personal_data

from .models import DailyReport, ReportSettings

SIGNED = "part of the signed daily report, which the purge keeps as it was"
personal_data.keep(DailyReport, situation=SIGNED, figures=SIGNED, return_comment=SIGNED)
personal_data.keep(ReportSettings, issuer="the issuing headquarters' name")
