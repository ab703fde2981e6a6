"""Contract §1a: next year's calendar from the State Council notice — the CLI, the calendar page, the checks, the
2005-12-31 correction shipped with the reference data, and a later chinesecalendar release.

The 2027 file used here (``notices/sample-2027.yaml``) is a TEST SAMPLE with a fictional number (国办发明电〔2026〕
TEST号) and the contract's example dates: no published 2027 notice was found when it was written.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from jisheng.accounts.roles import Role
from jisheng.core import clock
from jisheng.core.errors import InvalidInput, NotPermitted
from jisheng.core.models import AuditEvent
from jisheng.law import calendar, services
from jisheng.law.calendar import CalendarYearMissing, is_working_day
from jisheng.law.checks import check_calendar_corrections, check_next_year_calendar
from jisheng.law.deadlines import compute_due
from jisheng.law.models import CalendarDay, CalendarYear, DeadlineRecomputation
from jisheng.law.notices import parse_notice, read_notice_file

D = dt.date
pytestmark = pytest.mark.django_db

SAMPLE = Path(__file__).parent / "notices" / "sample-2027.yaml"
SAMPLE_TEXT = SAMPLE.read_text(encoding="utf-8")
#: The sample with 4 January (a Monday) added to 元旦: a "changed notice".
CHANGED_TEXT = SAMPLE_TEXT.replace("last: 2027-01-03", "last: 2027-01-04")


@pytest.fixture
def admin(make_user: Callable[..., Any], county: Any) -> Any:
    return make_user(Role.CITY_ADMIN, county)


@pytest.fixture
def open_deadline() -> Iterator[dict[str, object]]:
    """Another app's open deadline — 20 working days from Monday 2026-12-21 — recomputed through the hook;
    pending (None) while 2027 is missing, as the case engine stores it."""

    def due() -> dt.date | None:
        try:
            return compute_due(D(2026, 12, 21), 20, "working").due
        except CalendarYearMissing:
            return None

    state: dict[str, object] = {"due": due()}

    def recompute(*, first: dt.date, last: dt.date) -> list[services.Recomputed]:
        old, state["due"] = state["due"], due()
        return [services.Recomputed("test.case:T-1/decision", old, state["due"], label="T-1 决定")]  # type: ignore[arg-type]

    services.register_recomputer("test", recompute)
    yield state
    services._recomputers.pop("test", None)


def _counts() -> tuple[int, int, int, int]:
    return (CalendarYear.objects.count(), CalendarDay.objects.count(), DeadlineRecomputation.objects.count(),
            AuditEvent.objects.count())


def _import(path: Path, *args: str) -> str:
    out = StringIO()
    call_command("calendar", "import-notice", str(path), *args, stdout=out)
    return out.getvalue()


def _deadline(*args: str) -> str:
    out = StringIO()
    call_command("deadline", *args, stdout=out)
    return out.getvalue().splitlines()[0]


# --- the Done-when lines ---------------------------------------------------------------------------

def test_importing_the_2027_sample_makes_a_december_deadline_answer() -> None:
    with pytest.raises(CommandError) as err:
        _deadline("--start", "2026-12-20", "--days", "20", "--unit", "working")
    assert err.value.returncode == 2 and "2027" in str(err.value)
    _import(SAMPLE)
    # 21–25, 28–31 Dec (9); 1–3 Jan 元旦; 4–8 (14), 11–15 (19), 18 Jan (20)
    assert _deadline("--start", "2026-12-20", "--days", "20", "--unit", "working") == "2027-01-18"


def test_31_december_2005_was_a_working_day_before_and_after_bootstrap() -> None:
    """国办发明电〔2005〕35号: 12月31日（星期六）上班 — chinesecalendar 1.11.0 has it as a weekend rest day."""
    assert not CalendarYear.objects.exists()  # the index is built from the package and the shipped corrections
    assert _deadline("--start", "2005-12-30", "--days", "1", "--unit", "working") == "2005-12-31"
    services.calendar_import()
    calendar.invalidate()
    assert _deadline("--start", "2005-12-30", "--days", "1", "--unit", "working") == "2005-12-31"
    day = CalendarDay.objects.get(date=D(2005, 12, 31))
    assert (day.kind, day.name, day.local) == ("workday", "元旦", False)
    assert day.source == "国办发明电〔2005〕35号（更正 chinesecalendar）"
    assert is_working_day(D(2006, 1, 2)) is False and is_working_day(D(2006, 1, 4)) is True


def test_the_correction_records_where_it_was_read() -> None:
    [c] = calendar.corrections()
    assert (c.date, c.kind, c.source, c.verified) == (D(2005, 12, 31), "workday", "国办发明电〔2005〕35号", True)
    assert "2006年部分节假日安排" in c.notice
    assert any("zh.wikisource.org" in r for r in c.read_at)
    assert any("chinese-calendar/issues/125" in r for r in c.read_at)
    assert c.location.endswith("jisheng/law/data/calendar/corrections.yaml:9")
    assert check_calendar_corrections(None) == []


def test_a_bad_corrections_file_names_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "corrections.yaml"
    bad.write_text("corrections:\n  - date: 2005-12-32\n    kind: workday\n    name: x\n    source: y\n"
                   "    notice: z\n    read_at: [u]\n    verified: true\n", encoding="utf-8")
    with pytest.raises(InvalidInput) as err:
        calendar.corrections(bad)
    assert err.value.location == f"{bad}:2" and "2005-12-32" in str(err.value)


# --- the file ------------------------------------------------------------------------------------------

def test_the_contract_example_is_read_day_by_day() -> None:
    notice = read_notice_file(SAMPLE)
    days = notice.days()
    assert (notice.year, notice.source) == (2027, "国办发明电〔2026〕TEST号")
    assert len([d for d, (kind, _n) in days.items() if kind == "holiday"]) == 11  # 3 + 8, weekends included
    assert days[D(2027, 2, 20)] == ("workday", "春节")  # a make-up Saturday, named after the nearest holiday
    assert days[D(2027, 1, 2)] == ("holiday", "元旦")
    assert notice.warnings() == []


BAD = [
    # (what, file text, line, words in the message)
    ("a date that does not exist", "year: 2027\nsource: X\nholidays:\n  - {name: 春节, first: 2027-02-05, "
     "last: 2027-02-30}\n", 4, "不存在的日期：2027-02-30"),
    ("a holiday outside the year", "year: 2027\nsource: X\nholidays:\n  - {name: 元旦, first: 2026-12-31, "
     "last: 2027-01-02}\n", 4, "2026-12-31 不在 2027 年内"),
    ("a workday outside the year", "year: 2027\nsource: X\nholidays:\n  - {name: 元旦, first: 2027-01-01, "
     "last: 2027-01-03}\nworkdays:\n  - 2027-02-20\n  - 2028-01-08\n", 7, "2028-01-08 不在 2027 年内"),
    ("a range ending before it starts", "year: 2027\nsource: X\nholidays:\n  - {name: 元旦, first: 2027-01-01, "
     "last: 2027-01-03}\n  - name: 春节\n    first: 2027-02-12\n    last: 2027-02-05\n", 7, "早于开始日"),
    ("a day both holiday and workday", "year: 2027\nsource: X\nholidays:\n  - {name: 春节, first: 2027-02-05, "
     "last: 2027-02-12}\nworkdays: [2027-02-20,\n  2027-02-06]\n", 6, "既在第 4 行的节假日“春节”中"),
    ("a missing source", "year: 2027\nholidays:\n  - {name: 元旦, first: 2027-01-01, last: 2027-01-03}\n", 1,
     "缺少“source”"),
    ("an empty source", "year: 2027\nsource: ''\nholidays:\n  - {name: 元旦, first: 2027-01-01, "
     "last: 2027-01-03}\n", 2, "“source”不能为空"),
    ("overlapping ranges", "year: 2027\nsource: X\nholidays:\n  - {name: 中秋节, first: 2027-09-15, "
     "last: 2027-09-17}\n  - {name: 国庆节, first: 2027-09-17, last: 2027-10-07}\n", 5, "与第 4 行的 中秋节 重叠"),
    ("a workday twice", "year: 2027\nsource: X\nholidays:\n  - {name: 元旦, first: 2027-01-01, "
     "last: 2027-01-03}\nworkdays: [2027-02-20, 2027-02-20]\n", 5, "重复列出"),
    ("an unknown key", "year: 2027\nsource: X\nholiday:\n  - {name: 元旦, first: 2027-01-01, last: 2027-01-03}\n",
     1, "缺少“holidays”"),
    ("not UTF-8", "year: 2027\nsource: 国办发明电\n".encode("gbk"), 2, "UTF-8"),  # type: ignore[list-item]
]


@pytest.mark.parametrize(("what", "text", "line", "words"), BAD, ids=[b[0] for b in BAD])
def test_a_bad_file_changes_nothing_and_exits_2_naming_the_line(tmp_path: Path, what: str, text: str | bytes,
                                                                line: int, words: str, open_deadline: dict) -> None:
    services.calendar_import()
    path = tmp_path / "notice-2027.yaml"
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    before = _counts()
    with pytest.raises(CommandError) as err:
        _import(path)
    assert err.value.returncode == 2
    assert str(err.value).startswith(f"{path}:{line}: "), str(err.value)
    assert words in str(err.value)
    assert _counts() == before
    assert open_deadline["due"] is None


def test_a_file_that_cannot_be_read_exits_2(tmp_path: Path) -> None:
    with pytest.raises(CommandError) as err:
        _import(tmp_path / "missing.yaml")
    assert err.value.returncode == 2 and "missing.yaml" in str(err.value)


def test_pasted_text_names_itself_in_errors() -> None:
    with pytest.raises(InvalidInput) as err:
        parse_notice("year: 2027\nsource: X\nholidays: []\n", "粘贴的文本")
    assert err.value.location == "粘贴的文本:3"


# --- importing ---------------------------------------------------------------------------------------

def test_import_is_idempotent(admin: Any) -> None:
    notice = read_notice_file(SAMPLE)
    first = services.calendar_notice_import(notice, actor=admin)
    assert (first.status, first.saved, first.holidays, first.workdays) == ("new", True, 11, 1)
    before = _counts()
    again = services.calendar_notice_import(read_notice_file(SAMPLE), actor=admin)
    assert (again.status, again.saved, again.moved) == ("unchanged", False, [])
    assert _counts() == before  # not one row or audit event written
    out = _import(SAMPLE)
    assert out.startswith("2027 年：与已录入的通知相同，未作任何修改（国办发明电〔2026〕TEST号）")
    assert _counts() == before
    year = CalendarYear.objects.get(year=2027)
    assert (year.source, year.origin, year.notice["holidays"][1]) == (
        "国办发明电〔2026〕TEST号", "notice", {"name": "春节", "first": "2027-02-05", "last": "2027-02-12"})


def test_import_fills_a_pending_deadline_and_a_changed_notice_moves_it(admin: Any, open_deadline: dict) -> None:
    assert open_deadline["due"] is None  # pending: the calendar lacks 2027
    with clock.frozen(D(2026, 12, 21)):
        services.calendar_notice_import(read_notice_file(SAMPLE), actor=admin)
    assert open_deadline["due"] == D(2027, 1, 19)
    first = DeadlineRecomputation.objects.get()
    assert (first.subject, first.label, first.old_due, first.new_due, first.actor) == (
        "test.case:T-1/decision", "T-1 决定", None, D(2027, 1, 19), admin)
    assert first.reason == "录入国务院办公厅2027年节假日安排（国办发明电〔2026〕TEST号）"

    changed = parse_notice(CHANGED_TEXT, "notice-2027-v2.yaml")
    preview = services.calendar_notice_preview(changed, actor=admin)
    assert (preview.status, preview.saved, [c.date for c in preview.changes]) == ("replaced", False, [D(2027, 1, 4)])
    assert [(m.label, m.old_due, m.new_due) for m in preview.moved] == [("T-1 决定", D(2027, 1, 19), D(2027, 1, 20))]
    assert DeadlineRecomputation.objects.count() == 1 and is_working_day(D(2027, 1, 4)) is True  # nothing saved
    open_deadline["due"] = D(2027, 1, 19)  # the stand-in keeps its state in memory: undo the preview's call

    outcome = services.calendar_notice_import(changed, actor=admin)
    assert outcome.status == "replaced" and outcome.saved
    assert is_working_day(D(2027, 1, 4)) is False
    assert open_deadline["due"] == D(2027, 1, 20)
    last = DeadlineRecomputation.objects.order_by("id").last()
    assert last is not None and (last.old_due, last.new_due) == (D(2027, 1, 19), D(2027, 1, 20))
    assert last.reason == "2027年节假日安排改为 国办发明电〔2026〕TEST号（原：国办发明电〔2026〕TEST号）"


def test_dry_run_and_json_save_nothing(open_deadline: dict) -> None:
    services.calendar_import()
    before = _counts()
    data = json.loads(_import(SAMPLE, "--dry-run", "--json"))
    assert (data["status"], data["saved"], data["year"]) == ("new", False, 2027)
    assert data["days"][0] == {"date": "2027-01-01", "weekday": "星期五", "kind": "holiday", "name": "元旦",
                               "kept_local": None}
    assert data["moved"] == [{"subject": "test.case:T-1/decision", "label": "T-1 决定", "old_due": None,
                              "new_due": "2027-01-19"}]
    assert _counts() == before
    with pytest.raises(CalendarYearMissing):
        is_working_day(D(2027, 1, 4))


def test_cli_prints_each_day_with_its_weekday() -> None:
    out = _import(SAMPLE)
    assert out.splitlines()[0] == ("2027 年：新录入（国办发明电〔2026〕TEST号），休息 11 天、调休上班 1 天；"
                                   "0 个未结期限的届满日已变更。")
    assert "  2027-02-20 星期六  调休工作日（上班）  春节" in out
    assert "  2027-01-01 星期五  法定节假日（休息）  元旦" in out


def test_years_lists_each_source() -> None:
    _import(SAMPLE)
    out = StringIO()
    call_command("calendar", "years", "--json", stdout=out)
    years = {row["year"]: row for row in json.loads(out.getvalue())["years"]}
    assert sorted(years) == list(range(2004, 2028))
    assert (years[2027]["source"], years[2027]["origin"], years[2027]["holidays"], years[2027]["workdays"]) == (
        "国办发明电〔2026〕TEST号", "notice", 11, 1)
    assert years[2026]["source"] == "chinesecalendar 1.11.0" and years[2026]["origin"] == "chinesecalendar"
    assert years[2005]["corrections"] == [{"date": "2005-12-31", "kind": "workday", "source": "国办发明电〔2005〕35号"}]
    text = StringIO()
    call_command("calendar", "years", stdout=text)
    assert "2027  国办发明电〔2026〕TEST号（管理员录入的国务院办公厅通知）" in text.getvalue()


def test_years_before_bootstrap_lists_the_package() -> None:
    out = StringIO()
    call_command("calendar", "years", "--json", stdout=out)
    rows = json.loads(out.getvalue())["years"]
    assert [r["year"] for r in rows] == list(range(2004, 2027)) and not any(r["stored"] for r in rows)


def test_local_days_survive_a_changed_notice_and_fall_back_to_it(admin: Any) -> None:
    services.calendar_notice_import(read_notice_file(SAMPLE), actor=admin)
    services.calendar_day_set(date=D(2027, 1, 1), kind="workday", name="地方调整", actor=admin)
    outcome = services.calendar_notice_import(parse_notice(CHANGED_TEXT, "v2.yaml"), actor=admin)
    kept = next(d for d in outcome.days if d.date == D(2027, 1, 1))
    assert kept.kept_local == "调休工作日（上班） 地方调整"
    assert CalendarDay.objects.get(date=D(2027, 1, 1)).local is True and is_working_day(D(2027, 1, 1)) is True
    services.calendar_day_remove(date=D(2027, 1, 1), actor=admin)
    day = CalendarDay.objects.get(date=D(2027, 1, 1))
    assert (day.kind, day.name, day.source, day.local) == ("holiday", "元旦", "国办发明电〔2026〕TEST号", False)


def test_only_calendar_managers_may_import(make_user: Callable[..., Any], town_a: Any) -> None:
    officer = make_user(Role.TOWN_OFFICER, town_a)
    with pytest.raises(NotPermitted):
        services.calendar_notice_import(read_notice_file(SAMPLE), actor=officer)
    assert not CalendarYear.objects.filter(year=2027).exists()


# --- a later chinesecalendar release ---------------------------------------------------------------

@pytest.fixture
def release_with_2027(monkeypatch: pytest.MonkeyPatch) -> None:
    """An installed "chinesecalendar 9.9.9" that covers 2027 and differs from the sample on two days: 5 February
    (Friday) is worked and Sunday 21 February is a make-up day."""
    rows = calendar.chinesecalendar_exceptions()
    days = read_notice_file(SAMPLE).days()
    rows += [(d, kind, name) for d, (kind, name) in days.items() if d != D(2027, 2, 5)]
    rows += [(D(2027, 2, 21), "workday", "春节")]
    monkeypatch.setattr(calendar, "chinesecalendar_exceptions", lambda: sorted(rows))
    monkeypatch.setattr(calendar, "chinesecalendar_years", lambda: range(2004, 2028))
    monkeypatch.setattr(calendar, "chinesecalendar_source", lambda: "chinesecalendar 9.9.9")


def test_bootstrap_keeps_the_notice_and_lists_where_a_release_differs(admin: Any, release_with_2027: None,
                                                                      open_deadline: dict) -> None:
    services.calendar_notice_import(read_notice_file(SAMPLE), actor=admin)
    summary = services._calendar_loader()
    assert "2027 年保留管理员录入的通知（国办发明电〔2026〕TEST号）；chinesecalendar 9.9.9 与之不同的 2 天" in summary
    assert "2027-02-05（星期五） 通知：法定节假日（休息） 春节，程序包：平常日（上班）" in summary
    assert "2027-02-21（星期日） 通知：平常周末（休息），程序包：调休工作日（上班） 春节" in summary
    assert "jisheng calendar accept-release 2027" in summary
    assert CalendarYear.objects.get(year=2027).source == "国办发明电〔2026〕TEST号"
    assert is_working_day(D(2027, 2, 5)) is False

    out = StringIO()
    call_command("calendar", "accept-release", "2027", stdout=out)
    # the open deadline ends on 19 January, before the days that differ: it does not move
    assert out.getvalue().startswith("2027 年改用 chinesecalendar 9.9.9；0 个未结期限的届满日已重算。")
    year = CalendarYear.objects.get(year=2027)
    assert (year.source, year.origin, year.notice) == ("chinesecalendar 9.9.9", "chinesecalendar", {})
    assert is_working_day(D(2027, 2, 5)) is True and is_working_day(D(2027, 2, 21)) is True
    assert CalendarDay.objects.get(date=D(2027, 2, 21)).source == "chinesecalendar 9.9.9"
    with pytest.raises(CommandError) as err:  # nothing left to accept
        call_command("calendar", "accept-release", "2027")
    assert err.value.returncode == 2


def test_accepting_a_release_that_lacks_the_year_is_refused(admin: Any) -> None:
    services.calendar_notice_import(read_notice_file(SAMPLE), actor=admin)
    with pytest.raises(InvalidInput, match="不包含 2027 年"):
        services.calendar_release_accept(year=2027, actor=admin)


def test_a_release_that_agrees_keeps_the_notice_quietly(admin: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    rows = calendar.chinesecalendar_exceptions()
    rows += [(d, kind, name) for d, (kind, name) in read_notice_file(SAMPLE).days().items()]
    services.calendar_notice_import(read_notice_file(SAMPLE), actor=admin)
    monkeypatch.setattr(calendar, "chinesecalendar_exceptions", lambda: sorted(rows))
    monkeypatch.setattr(calendar, "chinesecalendar_years", lambda: range(2004, 2028))
    assert "2027 年保留管理员录入的通知（国办发明电〔2026〕TEST号）；chinesecalendar 1.11.0 与之一致。" in (
        services.calendar_import())


# --- the warning --------------------------------------------------------------------------------------

def test_the_warning_says_how_to_enter_the_year() -> None:
    with clock.frozen(D(2026, 12, 1)):
        [warning] = check_next_year_calendar(None)
    assert warning.id == "law.W001" and "2027" in warning.msg
    assert "jisheng calendar import-notice FILE.yaml" in warning.hint
    assert reverse("law:calendar_notice") in warning.hint and "录入国务院办公厅节假日通知" in warning.hint
    assert "由管理员录入" not in warning.hint  # the old hint pointed to a form that refused every uncovered day
    _import(SAMPLE)
    with clock.frozen(D(2026, 12, 1)):
        assert check_next_year_calendar(None) == []


# --- the calendar page ---------------------------------------------------------------------------------

def test_the_page_previews_then_saves(staff_client: Callable[..., Any], county: Any, open_deadline: dict) -> None:
    client = staff_client(Role.CITY_ADMIN, county)
    url = reverse("law:calendar_notice")
    assert client.get(url).status_code == 200
    page = client.get(reverse("law:calendar_year", args=[2027])).content.decode()
    assert url in page  # the uncovered year links to the form

    preview = client.post(url, {"action": "preview", "file": SimpleUploadedFile("notice-2027.yaml",
                                                                                 SAMPLE_TEXT.encode())})
    html = preview.content.decode()
    assert preview.status_code == 200
    assert "国办发明电〔2026〕TEST号" in html and "2027-02-20" in html and "星期六" in html and "星期五" in html
    assert "T-1 决定" in html and "2027-01-19" in html and "待定" in html
    assert not CalendarYear.objects.filter(year=2027).exists() and open_deadline["due"] == D(2027, 1, 19)
    open_deadline["due"] = None  # the stand-in keeps its state in memory: undo the preview's call

    saved = client.post(url, {"action": "confirm", "text": SAMPLE_TEXT, "name": "notice-2027.yaml"})
    assert saved.status_code == 302 and saved["Location"] == reverse("law:calendar_year", args=[2027])
    assert CalendarYear.objects.get(year=2027).source == "国办发明电〔2026〕TEST号"
    result = client.get(saved["Location"]).content.decode()
    assert "T-1 决定" in result and "管理员录入的国务院办公厅通知" in result
    assert DeadlineRecomputation.objects.get().actor.role == Role.CITY_ADMIN  # type: ignore[union-attr]


def test_the_page_shows_a_bad_file_by_line_and_saves_nothing(staff_client: Callable[..., Any], county: Any) -> None:
    client = staff_client(Role.CITY_ADMIN, county)
    services.calendar_import()
    before = _counts()
    text = SAMPLE_TEXT.replace("last: 2027-02-12", "last: 2027-02-30")
    for action in ("preview", "confirm"):
        response = client.post(reverse("law:calendar_notice"), {"action": action, "text": text})
        html = response.content.decode()
        assert response.status_code == 200 and "粘贴的文本:9: 不存在的日期：2027-02-30" in html
        assert "2027-02-30" in html  # the text is kept in the form to be corrected
    assert _counts() == before


def test_the_form_is_for_calendar_managers_only(staff_client: Callable[..., Any], town_a: Any) -> None:
    client = staff_client(Role.TOWN_OFFICER, town_a)
    assert client.get(reverse("law:calendar_notice")).status_code == 403
    assert client.post(reverse("law:calendar_notice"), {"action": "confirm", "text": SAMPLE_TEXT}).status_code == 403
    assert client.post(reverse("law:calendar_release_accept"), {"year": 2027}).status_code == 403
    assert not CalendarYear.objects.filter(year=2027).exists()
