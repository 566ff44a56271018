"""The JSON API: django-ninja routers of each domain, mounted at /api/."""

from ninja import NinjaAPI

api = NinjaAPI(title="Broadsheet API", version="1", urls_namespace="api")
