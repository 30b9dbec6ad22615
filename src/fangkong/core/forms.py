import datetime
import unicodedata

from django import forms
from django.core.exceptions import BadRequest, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from . import days


def apply_service_error(form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: per field where it names one, else on top."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


class DayField(forms.DateField):
    """A date on a page's form: only the days the system accepts (core.days), else a form error."""

    def validate(self, value):
        super().validate(value)
        if value and (problem := days.day_problem(value)):
            raise ValidationError(problem, code="day_out_of_range")


def parse_day(text: str) -> datetime.date:
    """An ISO day (YYYY-MM-DD; full-width digits and spaces tolerated) the system accepts; ValueError with
    the message otherwise."""
    raw = unicodedata.normalize("NFKC", text).strip()
    try:
        day = datetime.date.fromisoformat(raw)
    except ValueError:
        raise ValueError(_("日期应写作 YYYY-MM-DD，%(value)s 不是有效日期") % {"value": raw}) from None
    if problem := days.day_problem(day):
        raise ValueError(problem)
    return day


def query_day(request, name: str = "day", default: datetime.date | None = None) -> datetime.date | None:
    """A day from the query string of a page: `default` when absent; a bad one is a 400 page with the
    message (never today's data under a day the user did not ask for, never a 500)."""
    raw = request.GET.get(name, "")
    if not raw.strip():
        return default
    try:
        return parse_day(raw)
    except ValueError as exc:
        raise BadRequest(f"{name}：{exc}") from None


def cleaned_or_400(form: forms.Form) -> dict:
    """The data of a GET form behind a download: when invalid, a 400 page saying why (a file of another day
    than the one asked for would be worse than none)."""
    if not form.is_valid():
        raise BadRequest("；".join(f"{form.fields[name].label if name in form.fields else ''}：{error}"
                                  for name, errors in form.errors.items() for error in errors))
    return form.cleaned_data


MOMENT_FORMAT = "%Y-%m-%dT%H:%M"


def moment_text(value: datetime.datetime | None) -> str:
    """A datetime-local input's value: local time, to the minute."""
    return timezone.localtime(value, days.tz()).strftime(MOMENT_FORMAT) if value else ""


class MomentInput(forms.TextInput):
    """A date and time typed on a phone or a laptop (the browser's own picker)."""
    input_type = "datetime-local"
