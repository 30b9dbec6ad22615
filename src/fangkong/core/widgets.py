"""Form widgets written in Python where Django's per-option templates cost more than the page around them."""

from django import forms
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe


class ListSelect(forms.Select):
    """A <select> of hundreds of options (a county's villages and grids), in the HTML forms.Select writes, built
    in one pass: Django renders two templates an option, 25 ms and some 60,000 objects for a county's 611 regions,
    which also brings the garbage collector's full passes into the page (a 100 ms pause every few such pages)."""

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        values = set(self.format_value(value))
        found = False

        def option(option_value, label) -> str:
            nonlocal found
            option_value = "" if option_value is None else str(option_value)
            selected = not found and option_value in values  # a single select marks its first match only
            found = found or selected
            return (f'\n  <option value="{escape(option_value)}"{" selected" if selected else ""}>'
                    f"{escape(label)}</option>")

        attributes = "".join(f" {escape(key)}" if v is True else f' {escape(key)}="{escape(v)}"'
                             for key, v in self.build_attrs(self.attrs, attrs).items() if v is not False and v is not None)
        parts = [f'<select name="{escape(name)}"{attributes}>']
        for group, items in self.choices:
            if isinstance(items, list | tuple):
                parts.append(f'\n  <optgroup label="{escape(group)}">')
                parts.extend(option(v, label) for v, label in items)
                parts.append("\n  </optgroup>")
            else:
                parts.append(option(group, items))
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # noqa: S308 - every value and label above is escaped
