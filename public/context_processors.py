from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language, get_language_info


def languages(request):
    """This page's address in each language, for the language switch and hreflang links."""
    query = f"?{request.GET.urlencode()}" if request.GET else ""
    current = get_language()
    return {
        "language_links": [
            {
                "code": code,
                "name": get_language_info(code)["name_local"],
                "url": translate_url(request.path, code) + query,
                "current": code == current,
            }
            for code, _name in settings.LANGUAGES
        ]
    }


def canonical_url(request):
    """This page's address for og:url: on the site's one address (SITE_URL) when it has one, so that a cached
    page is the same whatever host name reached it; on the request's own host otherwise (development)."""
    if settings.SITE_URL:
        return {"canonical_url": settings.SITE_URL + request.get_full_path()}
    return {"canonical_url": request.build_absolute_uri()}
