"""Who may do what, next to the roles: questions (`is_*`, `can_*`) and checks (`check_*`).

Services take the acting person as an `Actor`: a signed-in `User`, or Django's
`AnonymousUser` for a visitor without an account. The questions answer False for a visitor;
the checks raise `NotAllowed` with a sentence the person can act on.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from broadsheet.accounts.models import User
from broadsheet.accounts.roles import Role, has_role_at_least
from broadsheet.errors import NotAllowed

type Actor = User | AnonymousUser

MODERATE_COMMENTS = "discussion.moderate_comment"
CHANGE_POSTS = "publishing.change_post"
PUBLISH_POSTS = "publishing.publish_post"
DELETE_POSTS = "publishing.delete_post"


def signed_in(actor: Actor) -> User | None:
    """The account acting, or None for a visitor without one."""
    return actor if isinstance(actor, User) and actor.is_authenticated else None


def is_moderator(actor: Actor) -> bool:
    user = signed_in(actor)
    return user is not None and user.has_perm(MODERATE_COMMENTS)


def is_trusted(actor: Actor) -> bool:
    """Trusted by role (trusted, moderator, editor, admin) or by reputation earned.

    `earned_trust` is a fact on the account that moderation's reputation keeps up to date.
    """
    user = signed_in(actor)
    if user is None:
        return False
    return user.earned_trust or has_role_at_least(user, Role.TRUSTED)


def can_edit_posts(actor: Actor) -> bool:
    """Editors write posts, see drafts and scheduled posts, and open or close threads."""
    user = signed_in(actor)
    return user is not None and user.has_perm(CHANGE_POSTS)


def check_can_moderate(actor: Actor) -> User:
    """The moderator's account, or NotAllowed."""
    user = signed_in(actor)
    if user is None or not user.has_perm(MODERATE_COMMENTS):
        raise NotAllowed("Only moderators may do that.")
    return user


def check_can_edit_posts(actor: Actor) -> User:
    """The editor's account, or NotAllowed."""
    user = signed_in(actor)
    if user is None or not user.has_perm(CHANGE_POSTS):
        raise NotAllowed("Only editors may write or change posts.")
    return user


def check_can_delete_posts(actor: Actor) -> None:
    user = signed_in(actor)
    if user is None or not user.has_perm(DELETE_POSTS):
        raise NotAllowed("Only editors may delete posts.")


def check_can_publish(actor: Actor) -> None:
    user = signed_in(actor)
    if user is None or not user.has_perm(PUBLISH_POSTS):
        raise NotAllowed("Only editors may publish or schedule posts.")


def check_can_open_or_close_thread(actor: Actor) -> User:
    """The editor's account, or NotAllowed."""
    user = signed_in(actor)
    if user is None or not user.has_perm(CHANGE_POSTS):
        raise NotAllowed("Only editors may close or open a post's comments.")
    return user
