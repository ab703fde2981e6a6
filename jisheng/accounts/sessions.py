"""The staff session store: Django's database sessions, read with the signed-in account and its area in one query.

``SESSION_ENGINE = "jisheng.accounts.sessions"``. Sessions live in ``accounts_staffsession``
(:class:`~jisheng.accounts.models.StaffSession`: Django's session columns plus ``user_id``, the account the session
signed in, kept in step with the session's own ``_auth_user_id`` on every save). Reading a session
(:meth:`SessionStore.load`) runs one statement::

    SELECT session, account, area FROM accounts_staffsession LEFT JOIN accounts_user … LEFT JOIN core_area …
    WHERE session_key = %s AND expire_date > now

with the column lists fixed once per process (no query compilation per request) and keeps the account row, its
area (the scope every staff page reads) already attached, on the store (:attr:`SessionStore.account`).
:class:`jisheng.accounts.middleware.AuthenticationMiddleware` hands that row to
:meth:`jisheng.accounts.backends.StaffBackend.get_user` instead of reading the account again, and Django's own
``auth.get_user`` then checks it exactly as before (the backend, the account being active and allowed, the session
hash of the password). The row is read in the same statement as the session, so it is as current as a separate
read would be: a deactivated account, a new password or a revoked authenticator (``otp_generation``) takes effect on
the very next request (docs/adr/0053).

Deleting an account deletes its sessions (the foreign key's ``CASCADE``, which Django applies).
"""

from __future__ import annotations

import functools
import logging
import weakref
from typing import Any, NamedTuple

from django.contrib.auth import SESSION_KEY as AUTH_USER_KEY
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.core.exceptions import SuspiciousOperation
from django.db import connections, router
from django.utils import timezone

logger = logging.getLogger(__name__)


def _account_id(data: dict[str, Any]) -> int | None:
    """The account id a session's data names (``_auth_user_id``, a string), or None."""
    try:
        return int(data[AUTH_USER_KEY])
    except (KeyError, TypeError, ValueError):
        return None


class _JoinedRead(NamedTuple):
    sql: str
    session_fields: list[str]
    user_fields: list[str]
    area_fields: list[str]
    #: The selected columns' expressions, in order (their converters come from the reading thread's connection).
    cols: list[Any]


@functools.cache
def _joined_read(alias: str) -> _JoinedRead:
    """The joined read's SQL, field names and value converters for database ``alias`` (built once per process)."""
    from jisheng.core.models import Area as area_model  # the model User.area points at

    from .models import StaffSession, User

    connection = connections[alias]
    quote = connection.ops.quote_name
    session_fields = list(StaffSession._meta.concrete_fields)
    user_fields = list(User._meta.concrete_fields)
    area_fields = list(area_model._meta.concrete_fields)
    columns = ([f"s.{quote(f.column)}" for f in session_fields] + [f"u.{quote(f.column)}" for f in user_fields]
               + [f"a.{quote(f.column)}" for f in area_fields])
    # Only quoted names from the models' own metadata are formatted in; the key and the time are parameters.
    parts = [
        "SELECT", ", ".join(columns),
        "FROM", quote(StaffSession._meta.db_table), "s",
        "LEFT JOIN", quote(User._meta.db_table), "u", "ON", f"u.{quote(User._meta.pk.column)} = s.{quote('user_id')}",
        "LEFT JOIN", quote(area_model._meta.db_table), "a", "ON",
        f"a.{quote(area_model._meta.pk.column)} = u.{quote(User._meta.get_field('area').column)}",
        "WHERE", f"s.{quote('session_key')} = %s AND s.{quote('expire_date')} > %s",
    ]
    sql = " ".join(parts)
    cols = [field.get_col(field.model._meta.db_table) for field in session_fields + user_fields + area_fields]
    return _JoinedRead(sql, [f.attname for f in session_fields], [f.attname for f in user_fields],
                       [f.attname for f in area_fields], cols)


#: Per connection (one per thread and alias): the (converter, column) pairs Django's compiler would apply to each
#: selected value (SQLite returns dates as text and booleans as integers; PostgreSQL needs none for these columns).
#: Kept per connection because a backend's converters are bound to the connection that made them.
_converters: weakref.WeakKeyDictionary[Any, list[list[tuple[Any, Any]]]] = weakref.WeakKeyDictionary()


def _converters_for(connection: Any, read: _JoinedRead) -> list[list[tuple[Any, Any]]]:
    found = _converters.get(connection)
    if found is None:
        found = [[(conv, col) for conv in connection.ops.get_db_converters(col) + col.get_db_converters(connection)]
                 for col in read.cols]
        _converters[connection] = found
    return found


class SessionStore(DatabaseSessionStore):
    """Django's database session store over :class:`~jisheng.accounts.models.StaffSession`.

    ``account`` is the :class:`~jisheng.accounts.models.User` row read with the session (None: no session, no
    account in it, or the account no longer exists). It is only ever used for the account the session itself names.
    """

    account: Any = None

    @classmethod
    def get_model_class(cls) -> Any:
        from .models import StaffSession

        return StaffSession

    def create_model_instance(self, data: dict[str, Any]) -> Any:
        """The row to save: Django's, with ``user_id`` set from the data's signed-in account."""
        obj = super().create_model_instance(data)
        obj.user_id = _account_id(data)  # type: ignore[attr-defined]  # typed as Django's AbstractBaseSession
        return obj

    def _get_session_from_db(self) -> Any:
        from jisheng.core.models import Area

        from .models import StaffSession, User

        self.account = None
        try:
            key = self.session_key
        except SuspiciousOperation as exc:  # pragma: no cover - Django validates keys in the setter
            logger.warning(str(exc))
            self._session_key = None
            return None
        alias = router.db_for_read(StaffSession)
        read = _joined_read(alias)
        connection = connections[alias]
        with connection.cursor() as cursor:
            cursor.execute(read.sql, [key, timezone.now()])
            row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return None
        values = list(row)
        for i, pairs in enumerate(_converters_for(connection, read)):
            for conv, col in pairs:
                values[i] = conv(values[i], col, connection)
        split = len(read.session_fields)
        area_at = split + len(read.user_fields)
        session = StaffSession.from_db(alias, read.session_fields, values[:split])
        if values[split] is not None:
            account = User.from_db(alias, read.user_fields, values[split:area_at])
            area = Area.from_db(alias, read.area_fields, values[area_at:]) if values[area_at] is not None else None
            User.area.field.set_cached_value(account, area)  # user.area reads no more (every staff page's scope)
            self.account = account
        return session

    def flush(self) -> None:
        """End the session (Django's ``flush``) and forget the account read with it."""
        self.account = None
        super().flush()

    def cycle_key(self) -> None:
        """A new key for the same data (Django's ``cycle_key``, at sign-in); the account is read again later."""
        self.account = None
        super().cycle_key()
