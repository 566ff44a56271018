"""ASGI entry point, kept for the long-lived event streams of live threads."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "broadsheet.settings")
application = get_asgi_application()
