"""Reads of the registry used by every procedure: families, children, marriages, disability, search.

Dates: every family selector takes ``as_of`` (a ``date``; default: today from :mod:`jisheng.core.clock`)
and answers as the registry knew it on that day — children born by then, marriages begun and not ended,
deaths on or before it, the latest disability certificate issued on or before it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from jisheng.core import clock
from jisheng.core.idnumber import id_number_query as id_number_query  # also read from here by other apps' forms
from jisheng.core.idnumber import normalise_id_number
from jisheng.core.models import Area, AreaLevel

from .access import persons_for_user
from .models import (
    DuplicateCandidate,
    DuplicateStatus,
    LifeEvent,
    LifeEventKind,
    Marriage,
    ParentChild,
    ParentChildKind,
    Person,
    PersonStatus,
    RosterImport,
)

PAGE_SIZE = 50
#: Above this many matches the list shows "10,000+" instead of counting.
COUNT_CAP = 10_000


def _day(as_of: dt.date | None) -> dt.date:
    return as_of or clock.today()


def alive_on(person: Person, as_of: dt.date | None = None) -> bool:
    """True when ``person`` was born on or before ``as_of`` and had not died by then."""
    day = _day(as_of)
    if person.birth_date > day or person.status == PersonStatus.MERGED:
        return False
    return not (person.status == PersonStatus.DEAD and person.death_date is not None and person.death_date <= day)


def children_of(person: Person, as_of: dt.date | None = None,
                kinds: tuple[str, ...] = (ParentChildKind.BIRTH, ParentChildKind.ADOPTION)) -> list[Person]:
    """Children of ``person`` born (and, for adoption, adopted) on or before ``as_of``, oldest first.

    ``kinds`` defaults to birth and lawful adoption (step-children excluded); merged records are skipped.
    Includes children who have died since (use :func:`living_children_of` for the living).
    """
    day = _day(as_of)
    links = (ParentChild.objects.filter(parent=person, kind__in=kinds, child__birth_date__lte=day)
             .exclude(child__status=PersonStatus.MERGED)
             .filter(Q(since__isnull=True) | Q(since__lte=day))
             .select_related("child").order_by("child__birth_date", "child_id"))
    return [link.child for link in links]


def living_children_of(person: Person, as_of: dt.date | None = None,
                       kinds: tuple[str, ...] = (ParentChildKind.BIRTH, ParentChildKind.ADOPTION)) -> list[Person]:
    """Children of ``person`` (see :func:`children_of`) alive on ``as_of``."""
    day = _day(as_of)
    return [c for c in children_of(person, day, kinds) if alive_on(c, day)]


def parents_of(person: Person, kinds: tuple[str, ...] = (ParentChildKind.BIRTH, ParentChildKind.ADOPTION)
               ) -> list[Person]:
    """The parents of ``person`` (by birth and adoption by default), fathers first."""
    links = ParentChild.objects.filter(child=person, kind__in=kinds).select_related("parent")
    return sorted((link.parent for link in links), key=lambda p: (p.sex != "M", p.pk))


def parents_and_children_of(person: Person, kinds: tuple[str, ...], as_of: dt.date | None = None
                            ) -> tuple[list[Person], list[Person]]:
    """``(parents, children)`` of ``person`` linked by one of ``kinds``, read in one query: the parents as
    :func:`parents_of` gives them (fathers first), the children as :func:`children_of` does (born and linked by
    ``as_of``, merged records skipped, oldest first)."""
    day = _day(as_of)
    links = (ParentChild.objects.filter(kind__in=kinds)
             .filter(Q(child=person)
                     | (Q(parent=person, child__birth_date__lte=day) & ~Q(child__status=PersonStatus.MERGED)
                        & (Q(since__isnull=True) | Q(since__lte=day))))
             .select_related("parent", "child"))
    parents, children = [], []
    for link in links:
        if link.child_id == person.pk:
            parents.append(link.parent)
        else:  # a link is never its own parent (registry_parentchild_not_self)
            children.append(link.child)
    parents.sort(key=lambda p: (p.sex != "M", p.pk))
    children.sort(key=lambda c: (c.birth_date, c.pk))
    return parents, children


def siblings_of(person: Person, as_of: dt.date | None = None) -> list[Person]:
    """Brothers and sisters (sharing at least one parent by birth or adoption) born by ``as_of``."""
    day = _day(as_of)
    parent_ids = ParentChild.objects.filter(
        child=person, kind__in=(ParentChildKind.BIRTH, ParentChildKind.ADOPTION)).values("parent_id")
    qs = (Person.objects.filter(parent_links__parent_id__in=parent_ids,
                                parent_links__kind__in=(ParentChildKind.BIRTH, ParentChildKind.ADOPTION),
                                birth_date__lte=day)
          .exclude(pk=person.pk).exclude(status=PersonStatus.MERGED).distinct().order_by("birth_date", "id"))
    return list(qs)


def is_only_child(person: Person, as_of: dt.date | None = None) -> bool | None:
    """True when ``person`` has no siblings by ``as_of``; None when no parent is recorded (unknown)."""
    if not ParentChild.objects.filter(child=person).exists():
        return None
    return not siblings_of(person, as_of)


def marriages_of(person: Person) -> QuerySet[Marriage]:
    """Every marriage of ``person`` (as husband or wife), oldest first."""
    return (Marriage.objects.filter(Q(husband=person) | Q(wife=person))
            .select_related("husband", "wife").order_by("start_date", "id"))


def current_marriage(person: Person, as_of: dt.date | None = None) -> Marriage | None:
    """The marriage of ``person`` in force on ``as_of`` (begun on or before, not ended by then), or None."""
    day = _day(as_of)
    return (marriages_of(person).filter(start_date__lte=day)
            .filter(Q(end_date__isnull=True) | Q(end_date__gt=day)).order_by("-start_date").first())


def spouse_of(person: Person, as_of: dt.date | None = None) -> Person | None:
    """The spouse of ``person`` on ``as_of``, or None."""
    marriage = current_marriage(person, as_of)
    if marriage is None:
        return None
    return marriage.wife if marriage.husband_id == person.pk else marriage.husband


def disability_grade(person: Person, as_of: dt.date | None = None) -> int | None:
    """The disability certificate grade (1 most severe … 4) of ``person`` on ``as_of``, or None.

    Reads the latest ``disability_certificate`` life event dated on or before ``as_of``; an event with
    ``grade`` null means the certificate was withdrawn (recovered).
    """
    event = (LifeEvent.objects.filter(person=person, kind=LifeEventKind.DISABILITY_CERTIFICATE, date__lte=_day(as_of))
             .order_by("-date", "-id").first())
    if event is None:
        return None
    grade = event.details.get("grade")
    return int(grade) if grade else None


def grade_from_events(events: list[LifeEvent], as_of: dt.date | None = None) -> int | None:
    """:func:`disability_grade` read from ``events``, a person's life events in :func:`life_events_of` order (date,
    id), without another query: the grade of the latest disability certificate dated on or before ``as_of``."""
    day = _day(as_of)
    latest = None
    for event in events:
        if event.kind == LifeEventKind.DISABILITY_CERTIFICATE and event.date <= day:
            latest = event  # ascending (date, id): the last one kept is what (-date, -id) puts first
    if latest is None:
        return None
    grade = latest.details.get("grade")
    return int(grade) if grade else None


def life_events_of(person: Person) -> QuerySet[LifeEvent]:
    """The life events of ``person``, oldest first."""
    return LifeEvent.objects.filter(person=person).order_by("date", "id")


def person_by_id_number(id_number: str) -> Person | None:
    """The living (or else most recent non-merged) person with this ID number, or None."""
    number = normalise_id_number(id_number)
    if not number:
        return None
    qs = Person.objects.filter(id_number=number).exclude(status=PersonStatus.MERGED)
    return qs.filter(status=PersonStatus.ALIVE).first() or qs.order_by("-id").first()


# --- search and lists -------------------------------------------------------------------------------


@dataclass
class PersonPage:
    """One page of a person list: ``items``, the keyset ``next_cursor`` (None on the last page) and a
    capped count text (``"123"`` or ``"10,000+"``)."""

    items: list[Person]
    next_cursor: str | None
    count_text: str


def _classify(q: str) -> tuple[str, str]:
    """Return (kind, value): kind is "id", "name", "pinyin" or "initials". A name's value is written without the
    dots between its parts (阿依古丽•买买提, 阿依古丽 买买提 → 阿依古丽买买提: see :func:`.pinyin.plain_name`)."""
    from .pinyin import NAME_SEPARATORS, is_pinyin_prefix, plain_name

    q = q.strip()
    number = id_number_query(q)  # 0–9 only: ① or ۳ make it no ID number, never the number they look like
    if number:
        return "id", number
    if q and all("\u3400" <= ch <= "\u9fff" or ch in NAME_SEPARATORS for ch in q) and plain_name(q):
        return "name", plain_name(q)
    letters = q.lower().replace(" ", "")
    if letters.isascii() and letters.isalpha():
        return ("pinyin" if is_pinyin_prefix(letters) else "initials"), letters
    return "name", q


def search_kind(q: str) -> str:
    """What :func:`search_persons` takes ``q`` for: ``"id"``, ``"name"``, ``"pinyin"``, ``"initials"`` or ``""``
    (nothing to search)."""
    return _classify(q)[0] if q.strip() else ""


def _prefix_filter(field: str, value: str) -> Q:
    """``field`` starts with ``value``, written as an index range plus the LIKE recheck.

    A btree index on a text column serves ``>= value AND < next`` in any collation, unlike LIKE, which
    PostgreSQL only turns into an index range under the C collation or a pattern_ops index.
    """
    upper = value[:-1] + chr(ord(value[-1]) + 1)
    return Q(**{f"{field}__gte": value, f"{field}__lt": upper, f"{field}__startswith": value})


def visible_persons(user: Any, area: Area | None = None) -> QuerySet[Person]:
    """People visible to ``user``, narrowed to ``area``, using the cheapest equivalent filter.

    A town or village filter that lies inside the user's scope implies the scope, so no join with the
    area table is needed; otherwise the scope join of :func:`persons_for_user` applies.
    """
    scope = getattr(user, "area", None)
    if scope is None or not getattr(user, "is_authenticated", False):
        return Person.objects.none()
    target = area if area is not None else scope
    if not scope.contains(target):
        return Person.objects.none()
    if target.level == AreaLevel.TOWN:
        return Person.objects.filter(town_id=target.pk)
    if target.level == AreaLevel.VILLAGE:
        return Person.objects.filter(residence_area_id=target.pk)
    return persons_for_user(user).filter(residence_area__path__startswith=target.path)


def _cursor_id(text: str) -> int:
    """The record id of a keyset cursor.

    Raises:
        InvalidInput: not a whole number (a hand-edited or truncated ``after=`` parameter).
    """
    from jisheng.core.errors import InvalidInput

    if not text.isdigit() or len(text) > 18:
        raise InvalidInput("无效的翻页位置", location="after")
    return int(text)


def search_persons(
    user: Any,
    *,
    q: str = "",
    area: Area | None = None,
    status: str = "",
    sex: str = "",
    cursor: str | None = None,
    page_size: int = PAGE_SIZE,
) -> PersonPage:
    """Search the people in ``user``'s scope; one keyset page.

    ``q`` is an ID number (exact; 15-digit legacy numbers are upgraded), Chinese characters (name
    prefix), full pinyin (``wangxiaoming`` or a prefix) or initials (``wxm``). ``area`` narrows to a
    town or village inside the scope (outside it: nothing); ``status`` to one :class:`PersonStatus`
    (default: all but merged); ``sex`` to ``"M"`` or ``"F"``. Name searches are ordered by the searched key
    then id, the rest by id (newest first). ``cursor`` is the ``next_cursor`` of the previous page. Counting stops at
    :data:`COUNT_CAP`.

    Raises:
        InvalidInput: a malformed ``cursor`` (location ``after``).
    """
    from jisheng.core.errors import InvalidInput
    from jisheng.core.idnumber import upgrade_15_to_18

    q = q.replace("\x00", "")  # PostgreSQL refuses NUL in text; nobody searches for it
    if cursor and "\x00" in cursor:
        raise InvalidInput("无效的翻页位置", location="after")
    qs = visible_persons(user, area)
    qs = qs.filter(status=status) if status else qs.exclude(status=PersonStatus.MERGED)
    if sex:
        qs = qs.filter(sex=sex)
    kind, value = _classify(q) if q.strip() else ("", "")
    order_field = ""
    if kind == "id":
        if len(value) == 15:
            value = upgrade_15_to_18(value)
        qs = qs.filter(id_number=value)
    elif kind in ("name", "pinyin", "initials"):
        order_field = {"name": "name", "pinyin": "name_pinyin", "initials": "name_initials"}[kind]
        matches = _prefix_filter(order_field, value)
        if kind == "name":  # a name in parts, however its dots were typed (name_plain: only such names)
            matches |= _prefix_filter("name_plain", value)
        qs = qs.filter(matches)
    filtered = qs
    if order_field:
        qs = qs.order_by(order_field, "id")
        if cursor:
            key, _, last_id = cursor.rpartition("|")
            qs = qs.filter(Q(**{f"{order_field}__gt": key})
                           | Q(**{order_field: key, "id__gt": _cursor_id(last_id or "0")}))
    else:
        qs = qs.order_by("-id")
        if cursor:
            qs = qs.filter(id__lt=_cursor_id(cursor))
    # the capped count rides on the page's query as an uncorrelated subquery (evaluated once): one round trip
    from django.db.models.expressions import RawSQL

    total = RawSQL(*_capped_count_sql(filtered, COUNT_CAP + 1))  # noqa: S611 -- ORM-compiled, values bound
    rows: list[Person] = list(qs.select_related("residence_area").annotate(_capped_total=total)[: page_size + 1])
    items = rows[:page_size]
    next_cursor = None
    if len(rows) > page_size:
        last = items[-1]
        next_cursor = f"{getattr(last, order_field)}|{last.pk}" if order_field else str(last.pk)
    # nothing on this page: nothing at all on a first page, else (paged past the end) counted apart
    count_text = (_count_text(getattr(rows[0], "_capped_total"), COUNT_CAP) if rows  # noqa: B009 -- annotation
                  else capped_count(filtered) if cursor else "0")
    return PersonPage(items=items, next_cursor=next_cursor, count_text=count_text)


def _count_text(n: int, cap: int) -> str:
    return f"{cap:,}+" if n > cap else f"{n:,}"


def _capped_count_sql(qs: QuerySet[Any], limit: int) -> tuple[str, list[Any]]:
    """``SELECT COUNT(*)`` of ``qs`` stopping at ``limit`` rows, as SQL and its parameters (to embed in another
    query: the SQL is the ORM's, every value a bound parameter)."""
    sql, params = qs.order_by().values("pk")[:limit].query.sql_with_params()
    return f"SELECT COUNT(*) FROM ({sql}) AS counted", list(params)  # noqa: S608 -- ORM-compiled, values bound


def capped_count(qs: QuerySet[Any], cap: int | None = None) -> str:
    """Count ``qs`` up to ``cap`` rows (default :data:`COUNT_CAP`; never an unbounded COUNT): ``"1,234"`` or
    ``"10,000+"``."""
    cap = COUNT_CAP if cap is None else cap
    return _count_text(qs.order_by()[: cap + 1].count(), cap)


def capped_counts(counted: list[tuple[QuerySet[Any], int]]) -> list[int]:
    """Count each queryset of ``counted`` (``(queryset, limit)`` pairs) up to ``limit`` rows, all in one query.

    One ``SELECT (SELECT COUNT(*) FROM (… LIMIT limit)), (…)`` instead of a round trip per count: a page that shows
    several counts (the workbench) pays the database once. Answers the counts in the order given, each at most its
    ``limit`` (never an unbounded COUNT).
    """
    from django.db import connections

    if not counted:
        return []
    parts: list[str] = []
    params: list[Any] = []
    for qs, limit in counted:
        sql, qs_params = _capped_count_sql(qs, limit)
        parts.append(f"({sql})")
        params.extend(qs_params)
    with connections[counted[0][0].db].cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        row = cursor.fetchone()
    return [int(n) for n in row]


def pending_duplicates_for(user: Any) -> QuerySet[DuplicateCandidate]:
    """Suspected duplicate pairs awaiting review whose two records are both inside ``user``'s scope
    (see :func:`jisheng.registry.access.duplicates_for_user`), oldest first."""
    from .access import duplicates_for_user

    return (duplicates_for_user(user).filter(status=DuplicateStatus.PENDING)
            .select_related("person_a", "person_b").order_by("id"))


def imports_for(user: Any) -> QuerySet[RosterImport]:
    """Roster imports inside ``user``'s scope, newest first."""
    from jisheng.core.access import in_scope

    return in_scope(RosterImport.objects.all(), user, area_field="area").defer("content").order_by("-id")


# --- the family page ----------------------------------------------------------------------------------


#: The relations of a family member to the person the family page is about, in the page's order.
RELATIONS = ("self", "spouse", "late_spouse", "former_spouse", "parent", "step_parent", "child", "spouse_child",
             "household")


@dataclass
class FamilyMember:
    """A member of a family as a user sees it: ``relation`` to the person the page is about (:data:`RELATIONS`),
    ``visible`` when the member lies in the user's scope (otherwise only ``label``, the masked name, is shown: no
    link, no events)."""

    person: Person
    relation: str
    visible: bool
    label: str


@dataclass
class FamilyEvent:
    """One line of a family's timeline: a life event told once for the family (a child's birth, recorded on the
    child and on each parent, is one line naming the child; a marriage, recorded on both spouses, one line naming
    both); ``event`` is the first record of it, ``who`` the members it concerns (labels as the user may see them)."""

    date: dt.date
    kind: str
    event: LifeEvent
    who: list[str]


@dataclass
class Family:
    """A person's family in one place: the household (members registered under the same household number), the
    spouses, parents and children, their marriages, the children with both parents, and the life events of every
    member the user may see, oldest first."""

    anchor: Person
    household: Any
    members: list[FamilyMember]
    marriages: list[Marriage]
    children: list[tuple[FamilyMember, list[str], str]]
    events: list[FamilyEvent]

    def member(self, person_id: int | None) -> FamilyMember | None:
        return next((m for m in self.members if m.person.pk == person_id), None)


def _family_timeline(events: Any, by_pk: dict[int, FamilyMember]) -> list[FamilyEvent]:
    """``events`` of the visible members told once each: births by the child, marriages and divorces by the
    marriage, anything else by the member it happened to."""
    lines: dict[tuple[Any, ...], FamilyEvent] = {}
    for e in events:
        details = e.details or {}
        member = by_pk[e.person_id]
        if e.kind == LifeEventKind.BIRTH:
            child = details.get("child_id") or e.person_id
            key: tuple[Any, ...] = ("birth", child)
            subject = by_pk.get(child)
            who = [subject.label] if subject is not None else []
        elif e.kind in (LifeEventKind.MARRIAGE, LifeEventKind.DIVORCE) and details.get("marriage_id"):
            key = (e.kind, details["marriage_id"])
            who = [member.label]
        else:
            key = (e.kind, e.pk)
            who = [member.label]
        line = lines.get(key)
        if line is None:
            lines[key] = FamilyEvent(date=e.date, kind=e.kind, event=e, who=who)
        elif e.kind != LifeEventKind.BIRTH:
            line.who += [w for w in who if w not in line.who]
    return sorted(lines.values(), key=lambda line: (line.date, line.event.pk))


def family_of(person: Person, user: Any, *, as_of: dt.date | None = None) -> Family:
    """The family of ``person`` as ``user`` may see it (see :class:`Family`). Members outside the user's scope are
    listed masked (a spouse registered in another town is still the spouse); their events are left out."""
    from jisheng.core.masking import mask_name

    day = _day(as_of)
    relation: dict[int, str] = {person.pk: "self"}
    people: dict[int, Person] = {person.pk: person}
    # every member is read with the area the page names (现居住地): no query per member
    marriages = list(marriages_of(person).select_related("husband__residence_area", "wife__residence_area"))
    for m in marriages:
        spouse = m.wife if m.husband_id == person.pk else m.husband
        people[spouse.pk] = spouse
        ended = "former_spouse" if m.end_reason == "divorce" else "late_spouse"
        relation.setdefault(spouse.pk, "spouse" if m.is_current(day) else ended)
    spouses = [pk for pk, r in relation.items() if r == "spouse"]
    for link in ParentChild.objects.filter(child=person).select_related("parent__residence_area"):
        people[link.parent_id] = link.parent
        relation.setdefault(link.parent_id, "parent" if link.kind != ParentChildKind.STEP else "step_parent")
    parents_of_children = [person.pk, *spouses]
    links = list(ParentChild.objects.filter(parent_id__in=parents_of_children)
                 .exclude(child__status=PersonStatus.MERGED)
                 .select_related("child__residence_area", "parent").order_by("child__birth_date", "child_id"))
    for link in links:
        people[link.child_id] = link.child
        relation.setdefault(link.child_id, "child" if link.parent_id == person.pk else "spouse_child")
    if person.household_id:
        for member in (Person.objects.filter(household_id=person.household_id).exclude(status=PersonStatus.MERGED)
                       .select_related("residence_area")):
            people.setdefault(member.pk, member)
            relation.setdefault(member.pk, "household")
    visible = set(persons_for_user(user).filter(pk__in=list(people)).values_list("pk", flat=True))
    order = {r: i for i, r in enumerate(RELATIONS)}
    members = sorted(
        (FamilyMember(person=p, relation=relation[pk], visible=pk in visible,
                      label=p.name if pk in visible else mask_name(p.name)) for pk, p in people.items()),
        key=lambda m: (order.get(m.relation, 9), m.person.birth_date, m.person.pk))
    by_pk = {m.person.pk: m for m in members}
    # marriages of the members (a grandparent's too), each once; none between two people outside the scope
    family_marriages = {m.pk: m for m in marriages}
    for m in Marriage.objects.filter(Q(husband_id__in=list(people)) | Q(wife_id__in=list(people))).select_related(
            "husband", "wife"):
        if m.husband_id in by_pk and m.wife_id in by_pk:
            family_marriages[m.pk] = m
    family_marriages = {pk: m for pk, m in family_marriages.items() if {m.husband_id, m.wife_id} & visible}
    parents_by_child: dict[int, list[str]] = {}
    for link in ParentChild.objects.filter(child_id__in=[link.child_id for link in links]).select_related("parent"):
        parent = by_pk.get(link.parent_id)
        label = parent.label if parent is not None else mask_name(link.parent.name)
        parents_by_child.setdefault(link.child_id, []).append(label)
    seen_children: set[int] = set()
    children: list[tuple[FamilyMember, list[str], str]] = []
    for link in links:
        if link.child_id in seen_children:
            continue
        seen_children.add(link.child_id)
        children.append((by_pk[link.child_id], parents_by_child.get(link.child_id, []), link.get_kind_display()))
    events = _family_timeline(LifeEvent.objects.filter(person_id__in=visible).order_by("date", "id")[:500], by_pk)
    return Family(anchor=person, household=person.household, members=members,
                  marriages=sorted(family_marriages.values(), key=lambda m: (m.start_date, m.pk)),
                  children=children, events=events)


# --- a person's audit trail: change history and access log ---------------------------------------------


#: Rows per page of a person's change history and of their access log.
HISTORY_PAGE_SIZE = 20
#: Audit actions that record someone looking at or taking out a person's data (the access log); every other action
#: on the record (create, update, delete, batch — merges and life events change the record through updates) is a
#: change of the history.
ACCESS_ACTIONS: tuple[str, ...] = ("view", "unmask", "export")
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_AUDIT_CURSOR_MAX = 2**63 - 1


@dataclass
class AuditPage:
    """One keyset page of a person's audit events, newest first (``-at, -id``): ``items`` and the cursor of the next
    (older) page, None on the last one."""

    items: list[Any]
    next_cursor: str | None


def _audit_cursor(event: Any) -> str:
    """The cursor after ``event``: ``<microseconds since 1970 UTC>-<id>`` (digits only, safe in a URL)."""
    return f"{(event.at - _EPOCH) // dt.timedelta(microseconds=1)}-{event.pk}"


def _parse_audit_cursor(text: str) -> tuple[dt.datetime, int]:
    """``(at, id)`` of a cursor made by :func:`_audit_cursor`.

    Raises:
        InvalidInput: anything else (a hand-edited or truncated link; location ``before``).
    """
    from jisheng.core.errors import InvalidInput

    micros, sep, pk = text.partition("-")
    if not (sep and micros.isascii() and micros.isdigit() and pk.isascii() and pk.isdigit()
            and len(micros) <= 18 and len(pk) <= 19 and 0 < int(pk) <= _AUDIT_CURSOR_MAX):
        raise InvalidInput("无效的翻页位置", location="before")
    try:
        at = _EPOCH + dt.timedelta(microseconds=int(micros))
    except OverflowError:  # past the year 9999
        raise InvalidInput("无效的翻页位置", location="before") from None
    return at, int(pk)


def person_audit_page(person: Person, *, access: bool, cursor: str | None = None,
                      page_size: int = HISTORY_PAGE_SIZE) -> AuditPage:
    """One page of ``person``'s audit events, newest first (``-at, -id``), keyset-paged.

    ``access`` False: the change history (every event on the record but views, unmasks and exports,
    :data:`ACCESS_ACTIONS`); True: the access log (only those). ``cursor`` is the ``next_cursor`` of the previous
    page. One query whatever the page and however often the person was viewed. The events hold personal data as
    recorded: mask before showing.

    Raises:
        InvalidInput: a malformed ``cursor`` (location ``before``).
    """
    from jisheng.core.models import AuditEvent

    qs = AuditEvent.objects.filter(object_type="registry.person", object_id=str(person.pk))
    qs = qs.filter(action__in=ACCESS_ACTIONS) if access else qs.exclude(action__in=ACCESS_ACTIONS)
    if cursor:
        at, pk = _parse_audit_cursor(cursor)
        qs = qs.filter(Q(at__lt=at) | Q(at=at, id__lt=pk))
    rows = list(qs.order_by("-at", "-id")[: page_size + 1])
    items = rows[:page_size]
    return AuditPage(items=items, next_cursor=_audit_cursor(items[-1]) if len(rows) > page_size else None)
