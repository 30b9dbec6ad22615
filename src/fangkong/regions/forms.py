"""The region picker: where a form asks for a region, a person picks it by name from the regions of their
scope (or of the deployment), never types a 12-digit code. Villages and grids stand under their township
(an option group named after it, and after the county too when the list spans several), a grid after its
village's name; the value sent is still the code, which the services check as before (a code off the list
is theirs to refuse, in their own words). A scope holding more
regions than a list can carry (regions.selectors.PICKER_LIMIT: a city's villages and grids) gets a code
field instead: there the person needs the code.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from fangkong.core import region_codes as codes
from fangkong.core.widgets import ListSelect

from . import selectors

ABOVE_TOWNSHIP = (codes.PROVINCE, codes.CITY, codes.COUNTY)
# a scope or a filter down to the villages: the grids are too many to list, and too fine for either
ABOVE_GRID = (*ABOVE_TOWNSHIP, codes.TOWNSHIP, codes.VILLAGE)


def region_choices(root: str, *, levels=None, blank=None) -> list | None:
    """Choices of a <select> for the regions under `root` at `levels` (all when None): the regions above
    township level on their own, then one group per township holding it and its villages and grids; with
    `blank`, an empty first choice of that label. None when there are too many to list."""
    rows = selectors.regions_to_pick(root, levels)
    if rows is None:
        return None
    context = {c for code, _name, level in rows if level in (codes.VILLAGE, codes.GRID)
               for c in (code[:9].ljust(12, "0"), code[:6].ljust(12, "0"), code[:12])}
    names = {**selectors.names_of(context - {code for code, _n, _l in rows}),
             **{code: name for code, name, _level in rows}}
    several_counties = codes.PREFIX_LENGTH[codes.level_of(root)] < codes.PREFIX_LENGTH[codes.COUNTY]
    choices: list = [("", blank)] if blank is not None else []
    groups: dict[str, list] = {}
    for code, name, level in rows:
        if level in ABOVE_TOWNSHIP:
            choices.append((code, name))
            continue
        township = code[:9].ljust(12, "0")
        if township not in groups:
            label = names.get(township, "")
            if several_counties:
                label = f"{names.get(code[:6].ljust(12, '0'), '')} {label}".strip()
            groups[township] = []
            choices.append((label, groups[township]))
        if level == codes.GRID:
            village = names.get(code[:12], "")
            name = name if name.startswith(village) else f"{village} · {name}"
        groups[township].append((code, name))
    return choices


def pick_region(form: forms.Form, field: str, root: str, *, levels=None, required: bool = True,
                blank=None, help_text: str = "") -> None:
    """Make `form.fields[field]` a picker of the regions under `root` (its label kept), or a code field
    when there are too many to list."""
    label = form.fields[field].label if field in form.fields else _("区划")
    if blank is None and not required:
        blank = "—"
    choices = region_choices(root, levels=levels, blank=blank)
    if choices is None:
        form.fields[field] = forms.CharField(
            label=_("%(label)s（区划代码）") % {"label": label}, max_length=codes.MAX_LENGTH, required=required,
            help_text=help_text or _("12位统计用区划代码，网格15位"),
            widget=forms.TextInput(attrs={"inputmode": "numeric"}))
    else:
        # a code off the list is the service's to refuse, with its own words (不在您的管辖范围内, 不存在)
        form.fields[field] = forms.CharField(label=label, required=required, max_length=codes.MAX_LENGTH,
                                             help_text=help_text, widget=ListSelect(choices=choices))
