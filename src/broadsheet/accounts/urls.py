from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from broadsheet.accounts import views
from broadsheet.guard.gate import guarded_write
from broadsheet.guard.ratelimits import LOGOUT, PASSWORD_CHANGE

app_name = "accounts"

# Every auth view names its template: Django's defaults (registration/...) belong to the admin.
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path(
        "logout/",
        guarded_write(LOGOUT)(
            auth_views.LogoutView.as_view(template_name="accounts/logged_out.html")
        ),
        name="logout",
    ),
    path("register/", views.register, name="register"),
    path("confirm/again/", views.resend_confirmation, name="resend_confirmation"),
    path("confirm/<str:token>/", views.confirm_email, name="confirm_email"),
    path(
        "password/change/",
        guarded_write(PASSWORD_CHANGE)(
            auth_views.PasswordChangeView.as_view(
                template_name="accounts/password_change_form.html",
                success_url=reverse_lazy("accounts:password_change_done"),
            )
        ),
        name="password_change",
    ),
    path(
        "password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(
            template_name="accounts/password_change_done.html"
        ),
        name="password_change_done",
    ),
    path(
        "password/reset/",
        views.PasswordResetView.as_view(success_url=reverse_lazy("accounts:password_reset_done")),
        name="password_reset",
    ),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="accounts/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(
            success_url=reverse_lazy("accounts:password_reset_complete")
        ),
        name="password_reset_confirm",
    ),
    path("profile/", views.own_profile, name="own_profile"),
    path("profile/edit/", views.edit_profile, name="edit_profile"),
    path("people/<str:username>/", views.profile, name="profile"),
]
