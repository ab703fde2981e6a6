"""How staff sign in: Django's model backend, except that demo accounts sign in only where demo accounts are on."""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend


def demo_accounts_allowed() -> bool:
    """Whether demo accounts may sign in here: ``JISHENG_DEMO_ACCOUNTS`` (on for ``make run``'s local settings and
    the tests, off under production settings unless the environment sets ``JISHENG_DEMO_ACCOUNTS=1``)."""
    return bool(getattr(settings, "JISHENG_DEMO_ACCOUNTS", False))


#: The account row the current request's session store read with the session (set by
#: :func:`session_account` around Django's ``auth.get_user`` only).
_session_account: contextvars.ContextVar[Any] = contextvars.ContextVar("jisheng_session_account", default=None)


@contextlib.contextmanager
def session_account(session: Any) -> Iterator[None]:
    """Within the block, :meth:`StaffBackend.get_user` takes the account ``session`` (a
    :class:`jisheng.accounts.sessions.SessionStore`) read with the session, when it is the account asked for."""
    token = _session_account.set(session)
    try:
        yield
    finally:
        _session_account.reset(token)


class StaffBackend(ModelBackend):
    """The model backend refusing demo accounts (``is_demo``) unless :func:`demo_accounts_allowed`.

    ``user_can_authenticate`` is asked both at sign-in and when a session is read back (``get_user``), so a session
    a demo account opened earlier no longer signs anyone in once demo accounts are off.
    """

    def get_user(self, user_id: Any) -> Any:
        """The account ``user_id`` if it may be signed in, else None (Django's ``ModelBackend.get_user``).

        Inside :func:`session_account` the row the session store read with the session is used when it is that
        account (read in the same statement as the session: as current as a second read); otherwise the account
        is read from the database.
        """
        session = _session_account.get()
        if session is not None:
            # auth.get_user has read the session (the account id) before asking: the row came with it
            account = getattr(session, "account", None)
            if account is not None and account.pk == user_id:
                return account if self.user_can_authenticate(account) else None
        return super().get_user(user_id)

    def user_can_authenticate(self, user: Any) -> bool:
        if getattr(user, "is_demo", False) and not demo_accounts_allowed():
            return False
        return bool(super().user_can_authenticate(user))
