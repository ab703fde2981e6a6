"""The demo population generator behind ``jisheng demo --persons N --seed S`` (step "persons", order 30).

Builds family lineages in the demo county's villages and communities (created by the core "villages"
step): a founding couple born 1925–1966, their children, the children's spouses, grandchildren and
great-grandchildren, plus floating-population families whose hukou lies elsewhere. Rates are plausible,
not official statistics:

- births follow the policy eras (several children before 1975, one child for most couples in 1980–2015
  — rural couples whose first child is a girl often have a second — one or two after 2016); the sex ratio
  at birth is ~106 before 1985, ~115 in 1985–2014 (census 2000: 116.9, 2010: 118.1) and ~111 after;
- deaths by age (most of the founding generation born before 1935 has died), child deaths ~1.5 %;
- disability certificates (残疾人证) for ~3 % of adults, grade 1–4;
- ~8 % of marriages after 1985 end in divorce, some remarry and have a child in the new marriage;
- ~9 % floating population (hukou in Anhui, Henan, Sichuan or northern Jiangsu).

So special assistance (parents ≥ 49 whose only child died or holds a grade 1–3 certificate), the rural
reward (rural, ≥ 60, one child or two girls), birth approval (young couples with one child) and the
other procedures all have real cohorts. ID numbers carry valid check digits and real address codes
(太仓县 320522 for numbers issued before 1993, 太仓市 320585 after). Everything is written with bulk
inserts (COPY on PostgreSQL); one ``batch`` audit event records the run. Deterministic for a seed and reference date;
skipped when demo persons already exist.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import time
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection, models, transaction

from jisheng.core import audit, clock
from jisheng.core.idnumber import make_id_number
from jisheng.core.models import Area, AreaLevel

from .models import (
    DuplicateCandidate,
    Household,
    LifeEvent,
    LifeEventKind,
    Marriage,
    MarriageEndReason,
    ParentChild,
    Person,
    PersonStatus,
)
from .pinyin import has_parts, pinyin_keys, plain_name

#: Every demo date is on or before this day, so a run does not depend on the day it is made.
REFERENCE_DATE = dt.date(2026, 6, 30)

_SURNAMES = (
    ("陆", 60), ("顾", 55), ("王", 50), ("张", 45), ("朱", 40), ("陈", 40), ("周", 35), ("徐", 35), ("沈", 35),
    ("钱", 25), ("吴", 25), ("李", 25), ("黄", 20), ("杨", 18), ("金", 18), ("孙", 18), ("蒋", 15), ("俞", 12),
    ("龚", 12), ("浦", 10), ("邵", 10), ("郁", 10), ("施", 12), ("曹", 10), ("瞿", 8), ("唐", 8), ("范", 8),
    ("汤", 7), ("季", 7), ("姚", 7), ("严", 6), ("秦", 6), ("单", 4), ("曾", 4), ("欧阳", 2), ("诸葛", 1),
)
_MALE_CHARS = "伟建国明华军平勇强杰磊涛斌俊峰浩宇辉鹏晨阳文龙海东兵荣刚林飞志锋凯超鑫子轩博睿"
_FEMALE_CHARS = "秀英芳娟敏静丽燕红霞玲梅兰萍琴婷雪颖洁倩慧琳悦欣怡佳雨涵诗梓萱晓丹"
_FLOATING_ORIGINS = (
    ("341221", "安徽省阜阳市临泉县"), ("341202", "安徽省阜阳市颍州区"), ("411502", "河南省信阳市浉河区"),
    ("511304", "四川省南充市嘉陵区"), ("320826", "江苏省淮安市涟水县"), ("320321", "江苏省徐州市丰县"),
)
_BANKS = ("中国农业银行太仓支行", "太仓农村商业银行", "中国工商银行太仓支行", "中国银行太仓支行")
_DISABILITY_CATEGORIES = ("肢体", "视力", "听力", "言语", "智力", "精神")


@dataclass(eq=False)
class _P:
    """A person being generated (turned into a :class:`Person` at flush)."""

    name: str
    sex: str
    birth: dt.date
    village: Area
    hukou_type: str
    floating: tuple[str, str] | None = None
    household: Any = None
    death: dt.date | None = None
    disability: tuple[int, dt.date] | None = None
    pk: int = 0
    id_number: str = ""
    events: list[tuple[str, dt.date, dict[str, Any]]] = field(default_factory=list)


@dataclass
class _Batch:
    persons: list[_P] = field(default_factory=list)
    households: list[Household] = field(default_factory=list)
    marriages: list[tuple[_P, _P, dt.date, dt.date | None, str]] = field(default_factory=list)
    links: list[tuple[_P, _P]] = field(default_factory=list)


class _Generator:
    def __init__(self, *, seed: int, villages: list[Area], today: dt.date) -> None:
        self.rng = random.Random(seed)
        self.villages = villages
        self.today = today
        self.batch = _Batch()
        self.count = 0
        self.sequences: dict[str, int] = {}
        self.household_serial: dict[int, int] = {}
        self.surnames = [s for s, _ in _SURNAMES]
        self.surname_weights = [w for _, w in _SURNAMES]

    # --- names, dates, numbers ---------------------------------------------------------------------

    def name(self, sex: str, surname: str | None = None) -> str:
        rng = self.rng
        surname = surname or rng.choices(self.surnames, self.surname_weights)[0]
        chars = _MALE_CHARS if sex == "M" else _FEMALE_CHARS
        given = rng.choice(chars) + (rng.choice(chars) if rng.random() < 0.7 else "")
        return surname + given

    def date_in(self, year: int) -> dt.date:
        return dt.date(year, 1, 1) + dt.timedelta(days=self.rng.randrange(365))

    def male_share(self, year: int) -> float:
        srb = 106 if year < 1985 else (115 if year < 2015 else 111)
        return srb / (srb + 100)

    def id_number(self, p: _P) -> str:
        if p.floating:
            code = p.floating[0]
        else:
            code = "320522" if p.birth.year < 1975 and self.rng.random() < 0.6 else "320585"
        key = f"{code}{p.birth:%Y%m%d}"
        k = self.sequences.get(key, self.rng.randrange(20, 60))
        self.sequences[key] = k + 1
        seq = (2 * k + (1 if p.sex == "M" else 0)) % 996
        return make_id_number(code, p.birth, seq)

    # --- people and families ----------------------------------------------------------------------

    def person(self, *, sex: str, birth: dt.date, village: Area, hukou_type: str, surname: str | None = None,
               floating: tuple[str, str] | None = None, household: Any = None) -> _P:
        p = _P(name=self.name(sex, surname), sex=sex, birth=birth, village=village, hukou_type=hukou_type,
               floating=floating, household=household)
        self.batch.persons.append(p)
        self.count += 1
        self.mortality(p)
        if self.rng.random() < self.disability_rate(p):
            year = min(self.today.year, max(p.birth.year + 3, 1990) + self.rng.randrange(0, 25))
            issued = min(self.date_in(year), p.death or self.today, self.today)
            if issued >= p.birth:
                grade = self.rng.choices((1, 2, 3, 4), (15, 25, 30, 30))[0]
                p.disability = (grade, issued)
        return p

    def disability_rate(self, p: _P) -> float:
        age = (self.today - p.birth).days / 365.25
        return 0.0 if age < 3 else (0.02 if age < 40 else 0.045)

    def mortality(self, p: _P) -> None:
        """Maybe give ``p`` a death date, more likely the older they are."""
        age = (self.today - p.birth).days / 365.25
        chance = 0.012 if age < 50 else 0.05 if age < 60 else 0.12 if age < 70 else 0.3 if age < 80 else 0.65
        chance = 0.95 if age >= 92 else chance
        if self.rng.random() < chance:
            low = p.birth + dt.timedelta(days=365 * (1 if age < 50 else 50))
            span = (self.today - low).days
            if span > 0:
                p.death = low + dt.timedelta(days=self.rng.randrange(span))

    def household(self, village: Area) -> Household:
        n = self.household_serial.get(village.pk, 0) + 1
        self.household_serial[village.pk] = n
        hh = Household(number=f"{village.code}{n:05d}", area=village,
                       address=f"{village.name}{self.rng.randrange(1, 300)}号", is_demo=True)
        self.batch.households.append(hh)
        return hh

    def hukou_for(self, village: Area) -> str:
        rural_share = 0.85 if village.kind == "村" else 0.2
        return "rural" if self.rng.random() < rural_share else "urban"

    def children_count(self, mother_birth_year: int, hukou_type: str, first_is_girl: bool | None) -> int:
        rng = self.rng
        start = mother_birth_year + 24
        if start < 1972:
            return rng.choices((1, 2, 3, 4), (10, 35, 35, 20))[0]
        if start < 2013:
            if hukou_type == "rural":
                return rng.choices((0, 1, 2), (3, 70, 27))[0]
            return rng.choices((0, 1, 2), (3, 90, 7))[0]
        return rng.choices((0, 1, 2, 3), (8, 55, 35, 2))[0]

    def marry(self, husband: _P, wife: _P, start: dt.date) -> tuple[dt.date | None, str]:
        """Record a marriage; return how it ended (end date, reason) if it did."""
        end: dt.date | None = None
        reason = ""
        deaths = [d for d in (husband.death, wife.death) if d is not None and d > start]
        if deaths:
            end, reason = min(deaths), MarriageEndReason.DEATH
        if start.year >= 1985 and self.rng.random() < 0.08:
            divorce = start + dt.timedelta(days=self.rng.randrange(700, 6000))
            if divorce < self.today and (end is None or divorce < end):
                end, reason = divorce, MarriageEndReason.DIVORCE
        self.batch.marriages.append((husband, wife, start, end, reason))
        return end, reason

    def have_children(self, father: _P, mother: _P, start: dt.date, until: dt.date | None,
                      village: Area, household: Any, depth: int, hukou_type: str) -> list[_P]:
        rng = self.rng
        n = self.children_count(mother.birth.year, hukou_type, None)
        kids: list[_P] = []
        day = start + dt.timedelta(days=rng.randrange(300, 900))
        for i in range(n):
            limit = min(self.today, until or self.today, mother.death or self.today,
                        mother.birth + dt.timedelta(days=365 * 42))
            if day > limit:
                break
            male = rng.random() < self.male_share(day.year)
            if i == 1 and kids and kids[0].sex == "F" and 1980 <= day.year < 2013:
                male = rng.random() < 0.58  # second births after a girl: higher sex ratio
            kid = self.person(sex="M" if male else "F", birth=day, village=village, hukou_type=hukou_type,
                              surname=father.name[:2] if father.name[:2] in ("欧阳", "诸葛") else father.name[0],
                              floating=father.floating, household=household)
            if kid.death is None and rng.random() < 0.015 and (self.today - day).days > 400:
                kid.death = day + dt.timedelta(days=rng.randrange(365, max((self.today - day).days, 366)))
            self.batch.links.append((father, kid))
            self.batch.links.append((mother, kid))
            kids.append(kid)
            day = day + dt.timedelta(days=rng.randrange(500, 2600))
        if depth < 3:
            for kid in kids:
                self.next_generation(kid, depth + 1)
        return kids

    def next_generation(self, p: _P, depth: int) -> None:
        """Marry ``p`` to a fresh spouse (if old enough and the dice say so) and give them children."""
        rng = self.rng
        age = (self.today - p.birth).days / 365.25
        if age < 21 or rng.random() > min(0.95, (age - 20) / 10):
            return
        start = p.birth + dt.timedelta(days=int(365.25 * rng.uniform(22, 30 if p.sex == "M" else 27)))
        if start >= self.today or (p.death is not None and p.death <= start):
            return
        village = p.village if p.sex == "M" or p.floating or rng.random() < 0.5 else rng.choice(self.villages)
        spouse_birth = p.birth + dt.timedelta(days=rng.randrange(-365 * 2, 365 * 5) * (-1 if p.sex == "M" else 1))
        hukou = p.hukou_type if rng.random() < 0.8 else self.hukou_for(village)
        household = self.household(village)
        spouse = self.person(sex="F" if p.sex == "M" else "M", birth=spouse_birth, village=village,
                             hukou_type=hukou, floating=p.floating, household=household)
        if spouse.death is not None and spouse.death <= start:
            spouse.death = None
        p.household = household
        p.village = village
        husband, wife = (p, spouse) if p.sex == "M" else (spouse, p)
        end, reason = self.marry(husband, wife, start)
        self.have_children(husband, wife, start, end, village, household, depth, wife.hukou_type)
        if reason == MarriageEndReason.DIVORCE and end is not None and rng.random() < 0.5:
            # remarriage: a new spouse and sometimes a child of the new marriage
            again = end + dt.timedelta(days=rng.randrange(200, 1500))
            if again < self.today and (p.death is None or p.death > again):
                new_birth = p.birth + dt.timedelta(days=rng.randrange(-365 * 3, 365 * 6) * (-1 if p.sex == "M" else 1))
                new = self.person(sex="F" if p.sex == "M" else "M", birth=new_birth, village=village,
                                  hukou_type=hukou, floating=p.floating, household=household)
                h2, w2 = (p, new) if p.sex == "M" else (new, p)
                end2, _ = self.marry(h2, w2, again)
                if rng.random() < 0.6 and w2.birth.year > self.today.year - 45:
                    self.have_children(h2, w2, again, end2, village, household, 3, w2.hukou_type)

    def lineage(self) -> None:
        rng = self.rng
        village = rng.choice(self.villages)
        floating = rng.choice(_FLOATING_ORIGINS) if rng.random() < 0.09 else None
        if floating:
            husband_year = rng.randint(1965, 1998)
        else:
            husband_year = rng.choices(range(1925, 1967), [1 + max(0, y - 1925) ** 1.3 for y in range(1925, 1967)])[0]
        household = self.household(village)
        hukou = "rural" if floating else self.hukou_for(village)
        husband = self.person(sex="M", birth=self.date_in(husband_year), village=village, hukou_type=hukou,
                              floating=floating, household=household)
        wife = self.person(sex="F", birth=self.date_in(husband_year + rng.randint(-1, 4)), village=village,
                           hukou_type=hukou if rng.random() < 0.9 else self.hukou_for(village), floating=floating,
                           household=household)
        start = wife.birth + dt.timedelta(days=int(365.25 * rng.uniform(20, 27)))
        if start >= self.today:
            return
        for spouse in (husband, wife):
            if spouse.death is not None and spouse.death <= start:
                spouse.death = None
        end, _ = self.marry(husband, wife, start)
        self.have_children(husband, wife, start, end, village, household, 1 if not floating else 3, hukou)


class _Writer:
    """Fast inserts of plain tuples: COPY on PostgreSQL, executemany elsewhere; ids reserved up front."""

    def __init__(self) -> None:
        self.vendor = connection.vendor
        self.now = clock.now()
        self.stamp = self.now if self.vendor == "postgresql" else connection.ops.adapt_datetimefield_value(self.now)
        self.next_ids: dict[str, int] = {}

    def reserve(self, model: type[models.Model], n: int) -> list[int]:
        """Return ``n`` fresh primary keys for ``model``."""
        table = model._meta.db_table
        with connection.cursor() as cur:
            if self.vendor == "postgresql":
                cur.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, n])
                return [r[0] for r in cur.fetchall()]
            if table not in self.next_ids:
                # table names come from model metadata, never from input
                cur.execute(f"SELECT COALESCE(MAX(id), 0) FROM {connection.ops.quote_name(table)}")  # noqa: S608
                self.next_ids[table] = cur.fetchone()[0] + 1
        first = self.next_ids[table]
        self.next_ids[table] = first + n
        return list(range(first, first + n))

    def date(self, value: dt.date | None) -> Any:
        return value if value is None or self.vendor == "postgresql" else value.isoformat()

    def insert(self, model: type[models.Model], columns: list[str], rows: list[tuple[Any, ...]]) -> None:
        """Insert ``rows`` (values in ``columns`` order, ``created_at``/``updated_at`` added) into ``model``'s table."""
        if not rows:
            return
        table = connection.ops.quote_name(model._meta.db_table)
        cols = [*columns, "created_at", "updated_at"]
        stamp = (self.stamp, self.stamp)
        with connection.cursor() as cur:
            if self.vendor == "postgresql":
                sql = f"COPY {table} ({', '.join(connection.ops.quote_name(c) for c in cols)}) FROM STDIN"
                with cur.cursor.copy(sql) as copy:
                    for row in rows:
                        copy.write_row(row + stamp)
            else:
                marks = ", ".join(["%s"] * len(cols))
                names = ", ".join(connection.ops.quote_name(c) for c in cols)
                sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608
                cur.executemany(sql, [row + stamp for row in rows])


def _flush(gen: _Generator, writer: _Writer) -> int:
    """Insert the generated batch (households, persons, marriages, links, events); return persons written."""
    b = gen.batch
    if not b.persons:
        return 0
    rng = gen.rng
    d = writer.date
    for hh, pk in zip(b.households, writer.reserve(Household, len(b.households)), strict=True):
        hh.pk = pk
    writer.insert(Household, ["id", "number", "area_id", "address", "is_demo"],
                  [(hh.pk, hh.number, hh.area.pk, hh.address, True) for hh in b.households])
    extra = [p for p in b.persons if p.death is None and rng.random() < 0.001 and (gen.today - p.birth).days > 18 * 365]
    ids = writer.reserve(Person, len(b.persons) + len(extra))
    rows: list[tuple[Any, ...]] = []
    events: list[tuple[Any, ...]] = []
    for p, pk in zip(b.persons, ids, strict=False):
        p.pk = pk
        full, initials = pinyin_keys(p.name)
        number = gen.id_number(p)
        p.id_number = number
        adult = (gen.today - p.birth).days > 16 * 365 and p.death is None
        phone = f"1{rng.choice('35789')}{rng.randrange(10**9):09d}" if adult else ""
        bank_name = bank_account = ""
        if (gen.today - p.birth).days > 45 * 365 and p.death is None and rng.random() < 0.7:
            bank_name, bank_account = rng.choice(_BANKS), f"6228{rng.randrange(10**15):015d}"
        rows.append((
            pk, p.name, full, initials, plain_name(p.name) if has_parts(p.name) else "", p.sex, d(p.birth), number,
            "汉族" if rng.random() < 0.985 else "回族",
            p.hukou_type, None if p.floating else p.village.pk, p.floating[1] if p.floating else "", p.village.pk,
            p.village.parent_id, p.household.pk if p.household is not None else None, phone, bank_name,
            bank_account, PersonStatus.DEAD if p.death else PersonStatus.ALIVE, d(p.death), p.floating is not None,
            None, True,
        ))
        events.append((p.pk, LifeEventKind.BIRTH, d(p.birth), '{"self": true}'))
        if p.death:
            events.append((p.pk, LifeEventKind.DEATH, d(p.death), "{}"))
        if p.disability:
            grade, issued = p.disability
            details = {"grade": grade, "category": rng.choice(_DISABILITY_CATEGORIES),
                       "number": f"{number}{grade}{rng.randint(1, 9)}"}
            events.append((p.pk, LifeEventKind.DISABILITY_CERTIFICATE, d(issued), json.dumps(details)))
        if p.floating:
            day = max(p.birth, dt.date(2005, 1, 1)) + dt.timedelta(days=rng.randrange(0, 3000))
            events.append((p.pk, LifeEventKind.FLOATING_REGISTRATION, d(min(day, gen.today)),
                           json.dumps({"from": p.floating[1]}, ensure_ascii=False)))
    # a few records entered twice from an old paper roster (no ID number): the review queue's real work
    for p, pk in zip(extra, ids[len(b.persons):], strict=True):
        full, initials = pinyin_keys(p.name)
        rows.append((
            pk, p.name, full, initials, plain_name(p.name) if has_parts(p.name) else "", p.sex, d(p.birth), "", "汉族",
            p.hukou_type,
            None if p.floating else p.village.pk, p.floating[1] if p.floating else "", p.village.pk,
            p.village.parent_id, None, "", "", "", PersonStatus.ALIVE, None, p.floating is not None, None, True,
        ))
    writer.insert(Person, [
        "id", "name", "name_pinyin", "name_initials", "name_plain", "sex", "birth_date", "id_number", "ethnicity",
        "hukou_type",
        "hukou_area_id", "hukou_place", "residence_area_id", "town_id", "household_id", "phone", "bank_name",
        "bank_account", "status", "death_date", "is_floating", "merged_into_id", "is_demo"], rows)
    marriage_ids = writer.reserve(Marriage, len(b.marriages))
    mrows = []
    for (h, w, start, end, reason), mid in zip(b.marriages, marriage_ids, strict=True):
        mrows.append((mid, h.pk, w.pk, d(start), d(end), reason, True))
        detail = json.dumps({"marriage_id": mid})
        for spouse in (h, w):
            events.append((spouse.pk, LifeEventKind.MARRIAGE, d(start), detail))
            if reason == MarriageEndReason.DIVORCE and end:
                events.append((spouse.pk, LifeEventKind.DIVORCE, d(end), detail))
    writer.insert(Marriage, ["id", "husband_id", "wife_id", "start_date", "end_date", "end_reason", "is_demo"], mrows)
    writer.insert(ParentChild, ["parent_id", "child_id", "kind", "since", "is_demo"],
                  [(parent.pk, child.pk, "birth", None, True) for parent, child in b.links])
    for parent, child in b.links:
        events.append((parent.pk, LifeEventKind.BIRTH, d(child.birth), json.dumps({"child_id": child.pk})))
    writer.insert(LifeEvent, ["person_id", "kind", "date", "details", "is_demo"], [(*e, True) for e in events])
    gen.batch = _Batch()
    return len(rows)


def demo_villages() -> list[Area]:
    """The villages and communities of the demo county, in code order."""
    county = str(settings.JISHENG["DEMO_COUNTY_CODE"])
    return list(Area.objects.filter(level=AreaLevel.VILLAGE, parent__parent__code=county)
                .select_related("parent").order_by("code"))


def generate_population(*, persons: int, seed: int, chunk: int = 20_000,
                        stdout: Any = None) -> tuple[int, float]:
    """Generate about ``persons`` demo people (stops at the first lineage reaching the number).

    Returns (persons written, seconds). Idempotent: returns (0, 0.0) when demo persons already exist.

    Raises:
        RuntimeError: the demo county has no villages (run the core "villages" demo step first).
    """
    if Person.objects.filter(is_demo=True).exists():
        return 0, 0.0
    villages = demo_villages()
    if not villages:
        raise RuntimeError("no demo villages: run `jisheng demo` (core villages step) or bootstrap first")
    started = time.monotonic()
    gen = _Generator(seed=seed, villages=villages, today=min(clock.today(), REFERENCE_DATE))
    written = 0
    with transaction.atomic():
        writer = _Writer()
        while gen.count < persons:
            gen.lineage()
            if len(gen.batch.persons) >= chunk:
                written += _flush(gen, writer)
                if stdout is not None:
                    stdout.write(f"    {written:,} persons…")
        written += _flush(gen, writer)
        from .dedup import scan_duplicates

        flagged = scan_duplicates(source="demo", demo_only=True)
        audit.record("batch", object_type="registry.person", object_label="demo population",
                     changes={"persons": written, "seed": seed, "duplicates_flagged": flagged})
    _analyze([Household, Person, Marriage, ParentChild, LifeEvent, DuplicateCandidate])
    return written, time.monotonic() - started


def _analyze(tables: list[type[models.Model]]) -> None:
    """Give PostgreSQL's planner statistics of the tables a bulk load just filled (``ANALYZE``), at once.

    Without them it guesses ~10 rows a town and plans the person list as a scan and sort of the town's 2,675 people
    (20 ms) instead of reading 51 rows down the (town, id) index (0.3 ms), until autovacuum analyzes the table —
    which, on a server where it is off, is never.
    """
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in tables:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def demo_step(*, seed: int, options: dict[str, Any], stdout: Any = None) -> str:
    """``jisheng demo`` step: generate ``options["persons"]`` people for ``seed`` (skipped if present)."""
    n = int(options.get("persons") or 20_000)
    written, seconds = generate_population(persons=n, seed=seed, stdout=stdout)
    if written == 0:
        return "demo population already present; kept"
    return f"{written:,} persons in {seconds:.1f} s"
