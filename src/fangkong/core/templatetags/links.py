"""`{% may_open 'app:page' record as name %}`: whether the viewer may open that page (core.links), to show a
link only then."""

from django import template

from fangkong.core import links

register = template.Library()


@register.simple_tag(takes_context=True)
def may_open(context, url_name: str, record=None) -> bool:
    request = context.get("request")
    return links.may_open(getattr(request, "user", None) or context.get("user"), url_name, record)
