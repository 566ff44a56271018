"""Writes on accounts: one function per use case."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from broadsheet.accounts.models import ApiToken, User
from broadsheet.accounts.roles import ROLE_ORDER, STAFF_ROLES, Role
from broadsheet.errors import Conflict, InvalidInput


def _validation_message(error: ValidationError) -> str:
    return " ".join(str(message) for message in error.messages)


@transaction.atomic
def create_user(
    *,
    username: str,
    email: str,
    password: str,
    role: Role = Role.READER,
    email_confirmed: bool = False,
    check_password_strength: bool = True,
) -> User:
    """Create an account with the given role. Raises InvalidInput or Conflict."""
    username = username.strip()
    email = email.strip()
    if not username:
        raise InvalidInput("Username: a name is required.")
    try:
        User._meta.get_field("username").run_validators(username)
    except ValidationError as error:
        raise InvalidInput(f"Username: {_validation_message(error)}") from error
    try:
        validate_email(email)
    except ValidationError as error:
        raise InvalidInput(f"Email: {_validation_message(error)}") from error
    if User.objects.filter(username__iexact=username).exists():
        raise Conflict(f"The username {username!r} is taken.")
    if User.objects.filter(email__iexact=email).exists():
        raise Conflict(f"An account with the email {email} exists already.")
    user = User(username=username, email=email, email_confirmed=email_confirmed)
    if check_password_strength:
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise InvalidInput(f"Password: {_validation_message(error)}") from error
    user.set_password(password)
    user.save()
    set_role(user=user, role=role)
    return user


@transaction.atomic
def set_role(*, user: User, role: Role) -> None:
    """Give the user exactly one role; staff roles may open the admin."""
    role_groups = Group.objects.filter(name__in=[r.value for r in ROLE_ORDER])
    user.groups.remove(*role_groups)
    user.groups.add(Group.objects.get_or_create(name=role.value)[0])
    user.is_staff = role in STAFF_ROLES
    user.is_superuser = role is Role.ADMIN
    user.save(update_fields=["is_staff", "is_superuser"])


def get_or_create_api_token(*, user: User) -> ApiToken:
    token, _ = ApiToken.objects.get_or_create(user=user)
    return token
