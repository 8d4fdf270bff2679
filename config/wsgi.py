import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
application = get_wsgi_application()

# A worker keeps what loading Django made for as long as it runs: the garbage collector leaves it alone (gc.freeze),
# and collects a tenth as often, since a page's own objects are freed by reference counting when it is sent. On a
# publication day's first renders this took the collector's share from a tenth to a thirtieth (docs/benchmarks.md).
gc.freeze()
gc.set_threshold(10_000, 10, 10)
