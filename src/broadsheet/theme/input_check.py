"""Refuse requests that carry a character no database stores, before anything looks them up.

`/author/a%00b/` used to ask PostgreSQL for a username with a NUL in it, and the driver's
refusal looked like an outage (503). This middleware reads what a request carries besides a
JSON body: its address, query string, form fields, cookies and headers, and answers 400 with
what is wrong and where, as the API's JSON error under /api/ and as the site's error page
elsewhere. JSON bodies are checked by the API's schemas (api.inputs), field by field. What is
refused, and why, is broadsheet.input_text's to say.

It sits after the authentication middleware, which only prepares the session: nothing has
read the session cookie yet, so a NUL in it is refused here too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse, JsonResponse

from broadsheet.api.errors import error_body
from broadsheet.input_text import INVALID_CHARACTER, unstorable_character
from broadsheet.theme.views import error_page


class RefuseUnstorableText:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        for where, text in _request_texts(request):
            problem = unstorable_character(text)
            if problem is not None:
                return _refusal(request, f"{where} contains {problem}.")
        return self.get_response(request)


def _request_texts(request: HttpRequest) -> Iterator[tuple[str, str]]:
    """Each piece of text the request carries outside a JSON body, with where it is."""
    yield "The address", request.path
    for name, values in request.GET.lists():
        for value in [name, *values]:
            yield f"The query parameter {name!r}", value
    for name, value in request.COOKIES.items():
        yield f"The cookie {name!r}", name + value
    for name, value in request.headers.items():
        yield f"The header {name!r}", value
    if request.method == "POST" and not request.path.startswith("/api/"):
        # A body over DATA_UPLOAD_MAX_MEMORY_SIZE raises here, and gets the site's 400 page.
        for name, values in request.POST.lists():
            for value in [name, *values]:
                yield f"The form field {name!r}", value


def _refusal(request: HttpRequest, detail: str) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse(error_body(INVALID_CHARACTER, detail), status=400)
    # The session may be what carries the character: the page is drawn for nobody signed in.
    request.user = AnonymousUser()
    return error_page(request, 400, detail)
