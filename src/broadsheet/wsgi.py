"""WSGI entry point, served by granian through `broadsheet serve`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "broadsheet.settings")
application = get_wsgi_application()
