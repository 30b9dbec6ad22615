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
