"""Account pages. Registration, confirmation and profiles are filled in by the accounts work."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from broadsheet.accounts.models import User


def register(request: HttpRequest) -> HttpResponse:
    raise NotImplementedError


def confirm_email(request: HttpRequest, token: str) -> HttpResponse:
    raise NotImplementedError


def own_profile(request: HttpRequest) -> HttpResponse:
    return redirect("accounts:profile", username=request.user.get_username())


def profile(request: HttpRequest, username: str) -> HttpResponse:
    person = get_object_or_404(User, username=username, is_active=True)
    return render(request, "accounts/profile.html", {"person": person})
