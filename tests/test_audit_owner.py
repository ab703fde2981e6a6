"""The application's database role cannot empty or switch off the audit trail (issue 11, PostgreSQL): after
``jisheng secure_audit`` a role of its own owns ``core_auditevent``, and the application's role — connected as
itself, as in production — may read and add to it but cannot TRUNCATE it, disable or drop its trigger, replace the
trigger's function, update, delete or drop it (even owning the schema). CI runs as the postgres superuser, so the test
makes a login role ``jisheng_app_test`` and connects with it."""

from __future__ import annotations

from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql",
                                reason="database roles and ownership are PostgreSQL's (CI's PostgreSQL pass runs it)")

APP_ROLE = "jisheng_app_test"  # not "jisheng_app": a cluster may hold a real role of that name
APP_PASSWORD = "jisheng-app-test"  # a throw-away role of the test cluster
OWNER_ROLE = "jisheng_audit_test"


def _connect(user: str, password: str | None = None) -> Any:
    """A connection of its own (autocommit) to the test database as ``user``."""
    import psycopg

    s = connection.settings_dict
    return psycopg.connect(host=s["HOST"] or "127.0.0.1", port=s["PORT"] or 5432, dbname=s["NAME"], user=user,
                           password=password, autocommit=True)


@pytest.fixture
def superuser(django_db_setup: Any, django_db_blocker: Any) -> Iterator[Any]:
    """A superuser's connection to the test database; what the test changes there is put back afterwards."""
    with django_db_blocker.unblock():
        conn = _connect(connection.settings_dict["USER"], connection.settings_dict["PASSWORD"] or None)
    cur = conn.cursor()
    try:
        cur.execute("SELECT tableowner FROM pg_tables WHERE tablename = 'core_auditevent'")
        table_owner = cur.fetchone()[0]
        cur.execute("SELECT nspowner::regrole::text FROM pg_namespace WHERE nspname = 'public'")
        schema_owner = cur.fetchone()[0]
        login = "LOGIN NOSUPERUSER PASSWORD '" + APP_PASSWORD + "'"  # (no parameters in CREATE ROLE)
        verb = "ALTER" if _exists(cur, APP_ROLE) else "CREATE"
        cur.execute(f'{verb} ROLE "{APP_ROLE}" {login}')
        # as in production before securing: the application's role ran the migrations, so it owns the table and
        # the trigger's function
        cur.execute(f'GRANT USAGE ON SCHEMA public TO "{APP_ROLE}"')
        cur.execute(f'ALTER TABLE core_auditevent OWNER TO "{APP_ROLE}"')
        cur.execute(f'ALTER FUNCTION core_auditevent_append_only() OWNER TO "{APP_ROLE}"')
    except Exception:
        conn.close()
        raise
    try:
        yield cur
    finally:
        cur.execute("DROP EVENT TRIGGER IF EXISTS jisheng_audit_guard")
        cur.execute(f'ALTER TABLE core_auditevent OWNER TO "{table_owner}"')
        cur.execute(f'ALTER FUNCTION core_auditevent_append_only() OWNER TO "{table_owner}"')
        cur.execute(f"ALTER SCHEMA public OWNER TO {schema_owner}")
        cur.execute(f'REVOKE ALL ON TABLE core_auditevent FROM "{APP_ROLE}"')
        cur.execute(f'REVOKE ALL ON SCHEMA public FROM "{APP_ROLE}"')
        cur.execute(f'DROP OWNED BY "{APP_ROLE}"')
        if _exists(cur, OWNER_ROLE):
            cur.execute(f'DROP OWNED BY "{OWNER_ROLE}"')
        conn.close()


def _exists(cur: Any, role: str) -> bool:
    cur.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
    return cur.fetchone() is not None


def _refused(app: Any, sql: str) -> str:
    """Run ``sql`` as the application's role and return PostgreSQL's refusal (fails the test if it ran)."""
    import psycopg

    with pytest.raises(psycopg.Error) as refused:
        app.execute(sql)
    return str(refused.value)


def test_the_application_role_cannot_empty_or_switch_off_the_audit_trail(superuser: Any) -> None:
    from jisheng.core.management.commands.secure_audit import audit_exposure, secure_audit_table

    # before: the role that created the table empties it and switches its trigger off — the finding
    assert audit_exposure(superuser, APP_ROLE)
    with _connect(APP_ROLE, APP_PASSWORD) as before:
        before.autocommit = False
        before.execute("TRUNCATE core_auditevent")
        before.execute("ALTER TABLE core_auditevent DISABLE TRIGGER ALL")
        before.rollback()  # (nothing of the test database is lost)
    done = secure_audit_table(superuser, app_role=APP_ROLE, owner_role=OWNER_ROLE)
    assert any("SELECT and INSERT only" in line for line in done)
    assert audit_exposure(superuser, APP_ROLE) == []
    superuser.execute(f'ALTER SCHEMA public OWNER TO "{APP_ROLE}"')  # as when the application owns the database

    app = _connect(APP_ROLE, APP_PASSWORD)
    try:
        app.execute("SELECT current_user, session_user")
        assert app.execute("SELECT current_user").fetchone()[0] == APP_ROLE
        app.execute("INSERT INTO core_auditevent (at, actor_label, action, object_type, object_id, object_label, "
                    "changes, reason, request_id) VALUES (now(), 'app', 'view', 'registry.person', '1', '', '{}', "
                    "'', '') RETURNING id")
        assert app.execute("SELECT count(*) FROM core_auditevent").fetchone()[0] >= 1
        assert "permission denied" in _refused(app, "TRUNCATE core_auditevent")
        assert "must be owner" in _refused(app, "ALTER TABLE core_auditevent DISABLE TRIGGER ALL")
        assert "must be owner" in _refused(app, "ALTER TABLE core_auditevent DISABLE TRIGGER core_auditevent_no_update")
        assert "must be owner" in _refused(app, "DROP TRIGGER core_auditevent_no_update ON core_auditevent")
        assert "must be owner" in _refused(
            app, "CREATE OR REPLACE FUNCTION core_auditevent_append_only() RETURNS trigger AS $$ BEGIN RETURN NULL; "
                 "END $$ LANGUAGE plpgsql")
        assert "permission denied" in _refused(app, "UPDATE core_auditevent SET reason = 'x'")
        assert "permission denied" in _refused(app, "DELETE FROM core_auditevent")
        assert "can be dropped only by" in _refused(app, "DROP TABLE core_auditevent")
        assert "must be owner" in _refused(app, "ALTER TABLE core_auditevent RENAME TO old_audit")
    finally:
        app.close()


@pytest.mark.django_db
def test_the_command_refuses_a_superuser_as_the_application_role_and_checks(superuser: Any) -> None:
    user = connection.settings_dict["USER"]
    with pytest.raises(CommandError, match="superuser"):
        call_command("secure_audit", "--app-role", user, "--owner-role", OWNER_ROLE)
    with pytest.raises(CommandError, match="plain role name"):
        call_command("secure_audit", "--app-role", 'x"; DROP TABLE core_auditevent; --')
    out = StringIO()
    with pytest.raises(CommandError, match="can still"):
        call_command("secure_audit", "--app-role", APP_ROLE, "--check", stdout=out)
    assert "TRUNCATE" in out.getvalue()
