"""WSGI entry point, served by granian through `broadsheet serve`."""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "broadsheet.settings")
django_application = get_wsgi_application()

# Imported once Django is set up: anonymous post pages are answered from the front cache
# before Django (discussion/front_cache.py).
from broadsheet.discussion.front_cache import FrontCache  # noqa: E402

application = FrontCache(django_application)

# Everything loaded so far (Django, the apps, templates) lives as long as the worker. Freezing
# it keeps the garbage collector from walking it again during every big thread page, which
# measured a third of a 1,000-comment page's time (docs/performance.md).
gc.collect()
gc.freeze()
