"""The regions app holds no personal data (core.personal_data)."""

from fangkong.core import personal_data

from .models import Region

personal_data.keep(Region, name="the division's official name")
