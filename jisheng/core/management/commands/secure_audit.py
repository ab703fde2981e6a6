"""``jisheng secure_audit --app-role ROLE [--owner-role jisheng_audit] [--check]``: hand the audit trail to a role of
its own (PostgreSQL), so the application's role can only add to it and read it.

Run once after ``jisheng migrate`` — and again after any migration of the audit table — on a connection of a
superuser (``DATABASE_URL=postgres://postgres@… jisheng secure_audit --app-role jisheng``), see docs/deploy.md. It

- creates the owner role (NOLOGIN) unless it exists, and takes the application's role out of it;
- makes it the owner of ``core_auditevent`` (with its id sequence) and of the trigger function that refuses UPDATE
  and DELETE, so the application cannot ``TRUNCATE`` the table, ``ALTER TABLE … DISABLE TRIGGER``, drop or replace
  the trigger or its function;
- leaves the application ``SELECT`` and ``INSERT`` only (nothing for PUBLIC);
- adds an event trigger refusing ``DROP TABLE core_auditevent`` by anyone but the owner role — the owner of the
  schema (in PostgreSQL 15 the database's owner, often the application's role) could otherwise drop it.

``--check`` changes nothing and exits 1 when the application's role could still empty or alter the trail. On SQLite
there is nothing to hand over (the triggers refuse UPDATE and DELETE; the file's permissions guard the rest).
"""

from __future__ import annotations

import re
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

TABLE = "core_auditevent"
FUNCTION = "core_auditevent_append_only()"
GUARD = "jisheng_audit_guard"


_ROLE = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def _q(name: str) -> str:
    """A role name checked and quoted for SQL (identifiers cannot be query parameters).

    Raises:
        CommandError: not a plain lower-case role name.
    """
    if not _ROLE.match(name):
        raise CommandError(f"not a plain role name (a–z, 0–9, _): {name!r}")
    return f'"{name}"'


def audit_exposure(cursor: Any, app_role: str) -> list[str]:
    """What ``app_role`` may still do to the audit trail beyond reading and adding (empty: nothing)."""
    cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = %s", [app_role])
    row = cursor.fetchone()
    if row is None:
        return [f"role {app_role} does not exist"]
    if row[0]:
        return [f"{app_role} is a superuser: nothing can be kept from it"]
    found = []
    cursor.execute("SELECT pg_has_role(%s, tableowner, 'MEMBER') FROM pg_tables WHERE tablename = %s",
                   [app_role, TABLE])
    owner = cursor.fetchone()
    if owner is None:
        return [f"no table {TABLE} (run jisheng migrate first)"]
    if owner[0]:
        found.append("owns the audit table (TRUNCATE, ALTER TABLE … DISABLE TRIGGER, DROP)")
    for privilege in ("TRUNCATE", "UPDATE", "DELETE", "TRIGGER", "REFERENCES"):
        cursor.execute("SELECT has_table_privilege(%s, %s, %s)", [app_role, TABLE, privilege])
        if cursor.fetchone()[0]:
            found.append(f"has {privilege} on the audit table")
    cursor.execute("SELECT pg_has_role(%s, p.proowner, 'MEMBER') FROM pg_proc p WHERE p.proname = %s",
                   [app_role, FUNCTION.removesuffix("()")])
    function = cursor.fetchone()
    if function is not None and function[0]:
        found.append("owns the append-only trigger function (CREATE OR REPLACE)")
    cursor.execute("SELECT 1 FROM pg_event_trigger WHERE evtname = %s AND evtenabled <> 'D'", [GUARD])
    if cursor.fetchone() is None:
        found.append("no event trigger keeps the schema's owner from dropping the audit table")
    return found


def secure_audit_table(cursor: Any, *, app_role: str, owner_role: str = "jisheng_audit") -> list[str]:
    """Hand the audit table to ``owner_role`` and leave ``app_role`` SELECT and INSERT only (see the module); return
    what was done, in order. ``cursor`` is on a superuser's connection to the application's database.

    Raises:
        CommandError: the roles are the same, ``app_role`` does not exist or is a superuser, or the connection is not
            a superuser's.
    """
    _q(app_role), _q(owner_role)  # plain names only: the owner's is written into the guard function's text
    if app_role == owner_role:
        raise CommandError("the owner role must not be the application's role")
    cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
    if not cursor.fetchone()[0]:
        raise CommandError("run this on a superuser's connection (DATABASE_URL=postgres://postgres@…)")
    cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = %s", [app_role])
    row = cursor.fetchone()
    if row is None:
        raise CommandError(f"no role {app_role}: name the role the application connects as")
    if row[0]:
        raise CommandError(f"{app_role} is a superuser; connect the application as an ordinary role")
    done = []
    cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [owner_role])
    if cursor.fetchone() is None:
        cursor.execute(f"CREATE ROLE {_q(owner_role)} NOLOGIN NOINHERIT")
        done.append(f"created role {owner_role} (NOLOGIN)")
    cursor.execute("SELECT pg_has_role(%s, %s, 'MEMBER')", [app_role, owner_role])
    if cursor.fetchone()[0]:
        cursor.execute(f"REVOKE {_q(owner_role)} FROM {_q(app_role)}")
        done.append(f"took {app_role} out of {owner_role}")
    cursor.execute(f"ALTER TABLE {TABLE} OWNER TO {_q(owner_role)}")  # its identity sequence follows
    cursor.execute(f"ALTER FUNCTION {FUNCTION} OWNER TO {_q(owner_role)}")
    done.append(f"{owner_role} owns {TABLE}, its sequence and {FUNCTION}")
    cursor.execute(f"REVOKE ALL ON TABLE {TABLE} FROM PUBLIC, {_q(app_role)}")
    cursor.execute(f"GRANT SELECT, INSERT ON TABLE {TABLE} TO {_q(app_role)}")
    cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [TABLE])
    sequence = cursor.fetchone()[0]
    if sequence:
        cursor.execute(f"REVOKE ALL ON SEQUENCE {sequence} FROM PUBLIC, {_q(app_role)}")
        cursor.execute(f"GRANT USAGE ON SEQUENCE {sequence} TO {_q(app_role)}")
    done.append(f"{app_role} may SELECT and INSERT only")
    # (the role name is a plain lower-case name: _q checked it above)
    cursor.execute(f"""
        CREATE OR REPLACE FUNCTION {GUARD}() RETURNS event_trigger LANGUAGE plpgsql AS $$
        DECLARE dropped record;
        BEGIN
          FOR dropped IN SELECT * FROM pg_event_trigger_dropped_objects() LOOP
            IF dropped.object_type = 'table' AND dropped.object_name = '{TABLE}'
               AND NOT pg_has_role(current_user, (SELECT oid FROM pg_roles WHERE rolname = '{owner_role}'), 'MEMBER')
            THEN
              RAISE EXCEPTION 'the audit trail ({TABLE}) can be dropped only by %%', '{owner_role}';
            END IF;
          END LOOP;
        END $$""".replace("%%", "%"))  # noqa: S608
    cursor.execute(f"DROP EVENT TRIGGER IF EXISTS {GUARD}")
    cursor.execute(f"CREATE EVENT TRIGGER {GUARD} ON sql_drop EXECUTE FUNCTION {GUARD}()")
    done.append(f"event trigger {GUARD} refuses DROP TABLE {TABLE} by anyone but {owner_role}")
    return done


class Command(BaseCommand):
    help = "Hand the audit table to a role of its own (PostgreSQL): the application may only read and add to it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--app-role", required=True, help="the role the application connects as")
        parser.add_argument("--owner-role", default="jisheng_audit", help="the role to own the audit table")
        parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if the app role could "
                                                                 "still empty or alter the trail")

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "postgresql":
            self.stdout.write("Not PostgreSQL: nothing to hand over (triggers refuse UPDATE and DELETE).")
            return
        with connection.cursor() as cursor:
            if options["check"]:
                exposure = audit_exposure(cursor, options["app_role"])
                for line in exposure:
                    self.stdout.write(f"{options['app_role']}: {line}")
                if exposure:
                    raise CommandError("the application's role can still empty or alter the audit trail",
                                       returncode=1)
                self.stdout.write(f"{options['app_role']} may only read and add to the audit trail.")
                return
            for line in secure_audit_table(cursor, app_role=options["app_role"], owner_role=options["owner_role"]):
                self.stdout.write(line)
