"""How staff sign in: Django's model backend, except that demo accounts sign in only where demo accounts are on."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend


def demo_accounts_allowed() -> bool:
    """Whether demo accounts may sign in here: ``JISHENG_DEMO_ACCOUNTS`` (on for ``make run``'s local settings and
    the tests, off under production settings unless the environment sets ``JISHENG_DEMO_ACCOUNTS=1``)."""
    return bool(getattr(settings, "JISHENG_DEMO_ACCOUNTS", False))


class StaffBackend(ModelBackend):
    """The model backend refusing demo accounts (``is_demo``) unless :func:`demo_accounts_allowed`.

    ``user_can_authenticate`` is asked both at sign-in and when a session is read back (``get_user``), so a session
    a demo account opened earlier no longer signs anyone in once demo accounts are off.
    """

    def user_can_authenticate(self, user: Any) -> bool:
        if getattr(user, "is_demo", False) and not demo_accounts_allowed():
            return False
        return bool(super().user_can_authenticate(user))
