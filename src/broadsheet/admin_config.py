"""The admin app with Broadsheet's site (admin_site.py); named in INSTALLED_APPS.

Kept apart from the site itself: INSTALLED_APPS imports this module before any model may be
imported, and the site imports the write guard, which imports models.
"""

from django.contrib.admin.apps import AdminConfig


class BroadsheetAdminConfig(AdminConfig):
    default_site = "broadsheet.admin_site.BroadsheetAdminSite"
