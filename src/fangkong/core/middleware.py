import json
import re
from http import HTTPStatus

from django.conf import settings
from django.core.exceptions import BadRequest
from django.http import JsonResponse
from django.utils.translation import gettext as _


class ChineseByDefaultMiddleware:
    """Simplified Chinese unless the user chose otherwise with the language switch.

    Django would follow the browser's Accept-Language; county staff with an English-language
    browser still expect the Chinese interface, so only the language cookie (set by the
    switch) may change it. Runs before LocaleMiddleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)


class ContentSecurityPolicyMiddleware:
    """Every response says where its page may load from: this server only (settings.FANGKONG_CSP).

    Fangkong serves every asset itself (no CDN, no web font), keeps its scripts and styles in static
    files, and has no inline script, event handler or style attribute: so a script that someone slips
    into a name or a note cannot run even where escaping were forgotten, and a page cannot be framed.
    A view that needs another policy sets the header itself; it is left alone.
    """

    HEADER = "Content-Security-Policy"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.FANGKONG_CSP and self.HEADER not in response:
            response[self.HEADER] = settings.FANGKONG_CSP
        return response


class JsonErrorsUnderApiMiddleware:
    """Every error under /api/ answers JSON (`{"detail": …}`), as the API's own errors do.

    The API's exception map (fangkong/api.py) covers what its endpoints raise. What happens before or
    around them is Django's and would be an HTML page: a path no route matches (a non-numeric id where
    `{int:…}` is expected), a method the path does not take (405), an unexpected error (500). Scripts
    parse JSON, so those are rewritten here, keeping the status (and `Allow` of a 405).
    """

    PREFIX = "/api/"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (response.status_code < 400 or not request.path.startswith(self.PREFIX)
                or response.get("Content-Type", "").startswith("application/json")):
            return response
        json_response = JsonResponse({"detail": _error_text(request, response)}, status=response.status_code,
                                     json_dumps_params={"ensure_ascii": False})
        if "Allow" in response:
            json_response["Allow"] = response["Allow"]
        return json_response


class RefuseNulMiddleware:
    """A NUL character (U+0000) in the address, the query or a form or JSON body is refused (400) before any
    view reads it, and so is half a UTF-16 surrogate pair escaped in a JSON body (neither database can take
    it). PostgreSQL cannot take a NUL in text, not even to compare with: a look-up by a code or a
    search term holding one would fail with a 500. Stored text is cleaned by core.text; this guards the
    look-ups. Multipart bodies (uploaded files) are binary and left to the forms, which refuse NUL in
    their fields."""

    JSON = "application/json"
    FORM = "application/x-www-form-urlencoded"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or "%00" in request.META.get("QUERY_STRING", "") or self._in_body(request):
            raise BadRequest(_("请求中含有空字符（NUL），无法处理"))
        if request.content_type == self.JSON and self._lone_surrogate(request.body):
            raise BadRequest(_("请求中含有无效的 Unicode 字符（不成对的代理项），无法处理"))
        return self.get_response(request)

    @staticmethod
    def _lone_surrogate(body: bytes) -> bool:
        """A JSON escape of half a UTF-16 pair (\\ud800 alone): no database can store or compare the string."""
        if not _SURROGATE_ESCAPE.search(body):
            return False
        try:
            data = json.loads(body)
        except ValueError:
            return False  # not JSON: the view says what is wrong with it
        return _holds_lone_surrogate(data)

    def _in_body(self, request) -> bool:
        if request.content_type not in (self.JSON, self.FORM):
            return False
        body = request.body
        return b"\x00" in body or (b"%00" in body if request.content_type == self.FORM
                                   else b"\\u0000" in body.lower())


_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")


def _holds_lone_surrogate(value) -> bool:
    if isinstance(value, str):
        try:
            value.encode("utf-8")  # a whole pair was joined into one character by json.loads
        except UnicodeEncodeError:
            return True
        return False
    if isinstance(value, dict):
        return any(_holds_lone_surrogate(k) or _holds_lone_surrogate(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_holds_lone_surrogate(item) for item in value)
    return False


def _error_text(request, response) -> str:
    if response.status_code == 404:
        return _("没有这个接口或记录：%(path)s") % {"path": request.path}
    if response.status_code == 405:
        return _("%(path)s 不接受 %(method)s 请求，可用：%(allowed)s") % {
            "path": request.path, "method": request.method, "allowed": response.get("Allow", "")}
    if response.status_code >= 500:
        return _("服务器内部错误，已记录，请稍后重试或联系管理员")
    try:
        return HTTPStatus(response.status_code).phrase
    except ValueError:
        return str(response.status_code)
