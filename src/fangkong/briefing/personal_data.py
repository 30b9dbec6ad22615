"""The briefs are the headquarters' documents, kept as they were issued (core.personal_data)."""

from fangkong.core import personal_data

from .models import Brief, BriefTemplate

personal_data.keep(BriefTemplate, name="the template's file name", content="the template document")
personal_data.keep(Brief, next_steps="part of the issued brief, which the purge keeps as it was")
