from django.db import connection
from django.http import HttpResponse


def health(request):
    """For the container health check: the app answers and its database too."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")
