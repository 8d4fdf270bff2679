import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseBadRequest
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)


class DatabaseUnavailableMiddleware:
    """While the database cannot be reached, answer with a short Vietnamese and English 503 page, not a traceback.

    Nothing to reset afterwards: Django opens a new connection on the next request, so the site comes back by
    itself when the database does.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.error("Database unavailable: %s", exception)
        response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = "30"
        return response


class RejectNulCharactersMiddleware:
    """Answer 400 to a query, form field or cookie holding a NUL character: no screen needs one, and PostgreSQL
    refuses it in a query (the admin's searches, filters and autocomplete, django-axes' look-up of a login name,
    the session's look-up would fail with a 500). Uploaded files are not form fields: their bytes may hold
    anything."""

    MESSAGE = ("Yêu cầu có ký tự NUL (\\0), không hợp lệ. / The request holds a NUL character (\\0), which is "
               "not allowed.")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        fields = [*request.GET.lists(), *(request.POST.lists() if request.method == "POST" else ()),
                  *((name, [value]) for name, value in request.COOKIES.items())]  # the session id reaches a query
        if any("\x00" in key or any("\x00" in value for value in values) for key, values in fields):
            return HttpResponseBadRequest(self.MESSAGE, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
