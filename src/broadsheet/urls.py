"""The site's address book: each app owns its own URLs."""

from django.contrib import admin
from django.urls import include, path

from broadsheet.api.api import api
from broadsheet.theme.views import favicon

urlpatterns = [
    path("favicon.ico", favicon),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("accounts/", include("broadsheet.accounts.urls")),
    path("", include("broadsheet.discussion.urls")),
    path("", include("broadsheet.moderation.urls")),
    path("", include("broadsheet.publishing.urls")),
]

handler400 = "broadsheet.theme.views.bad_request"
handler403 = "broadsheet.theme.views.permission_denied"
handler404 = "broadsheet.theme.views.not_found"
handler500 = "broadsheet.theme.views.server_error"
