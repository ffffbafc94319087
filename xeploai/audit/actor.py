"""Who acts: the one type every service's ``actor`` has.

A view passes ``request.user`` (Django types it ``AbstractBaseUser | AnonymousUser``); a command,
the demo seeding or a system job passes ``None``. What is recorded as the acting user (audit
events, ``created_by``, ``decided_by``) is ``actor_user(actor)``: the user, or ``None`` for the
anonymous and the system.
"""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser, User

type Actor = AbstractBaseUser | AnonymousUser | None


def actor_user(actor: Actor) -> User | None:
    """The saved user behind ``actor``, or ``None`` for a system action or an anonymous one."""
    if isinstance(actor, User) and actor.pk is not None:
        return actor
    return None


def actor_person(actor: Actor) -> User:
    """The user behind ``actor`` where a person must act (a ballot's creator, a keying).

    Views reach these services only logged in, so ``None`` here is a programming error.
    """
    user = actor_user(actor)
    if user is None:
        raise ValueError("this action needs a logged-in user as its actor")
    return user
