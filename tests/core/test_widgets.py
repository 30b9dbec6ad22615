"""ListSelect writes the <select> forms.Select writes (line breaks aside), in one pass instead of two templates an
option."""

import re

import pytest
from django import forms

from fangkong.core.widgets import ListSelect

CHOICES = [("", "全部"), ("420921000000", "孝昌县<&>"),
           ("花园镇\"", [("420921001000", "花园镇"), ("420921001201", '东岳村 · "1"'), ("420921001201", "again")])]


def _lines(html: str) -> list[str]:
    return [line.strip() for line in html.splitlines() if line.strip()]


@pytest.mark.parametrize("value", ["420921001201", "", None, "absent", 420921000000])
def test_the_same_html_as_django_select(value):
    attrs = {"id": "id_region", "required": True, "class": "a", "disabled": False, "data-x": "<y>"}
    django_html = forms.Select(choices=CHOICES).render("region", value, attrs=attrs)
    assert _lines(ListSelect(choices=CHOICES).render("region", value, attrs=attrs)) == _lines(django_html)


def test_a_form_field_renders_and_validates_with_it():
    class Form(forms.Form):
        region = forms.ChoiceField(choices=CHOICES, widget=ListSelect)

    html = str(Form(initial={"region": "420921001000"})["region"])
    assert re.findall(r'<option value="(\d*)" selected>', html) == ["420921001000"]
    assert Form({"region": "420921001201"}).is_valid() and not Form({"region": "1"}).is_valid()
