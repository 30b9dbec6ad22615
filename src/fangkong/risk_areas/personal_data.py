"""The risk areas app holds no personal data (core.personal_data)."""

from fangkong.core import personal_data

from .models import RiskArea

personal_data.keep(RiskArea, name="the area's name")
