"""The State Council's holiday notice as an administrator enters it (contract §1a), read and checked.

Each autumn the General Office of the State Council publishes next year's holidays (国务院办公厅关于N年部分节假日
安排的通知, a 国办发明电), often before a chinesecalendar release carries them. The administrator types it as::

    year: 2027
    source: 国办发明电〔2026〕N号         # required: the notice's number, stored as the year's source
    title: 国务院办公厅关于2027年部分节假日安排的通知   # optional; also published: YYYY-MM-DD, url: …
    holidays:                          # rest days, inclusive ranges; weekends inside a range are rest days anyway
      - {name: 元旦, first: 2027-01-01, last: 2027-01-03}
      - {name: 春节, first: 2027-02-05, last: 2027-02-12}
    workdays: [2027-02-20]             # make-up working days (调休上班), usually weekends

:func:`parse_notice` turns it into a :class:`Notice` or raises :class:`~jisheng.core.errors.InvalidInput` whose
location names the file and line (``notice-2027.yaml:7``): a date that does not exist, a date outside ``year``, a
range ending before it starts, ranges that overlap, a day both holiday and workday, the same workday twice, a
missing ``source`` or ``holidays``, an unknown key. Nothing here touches the database; the services import it.

A notice sometimes moves a day of the *previous* year (the 2006 notice made Saturday 2005-12-31 a working day):
such a day is not part of this file — it is a correction of that year (``data/calendar/corrections.yaml``) or a
calendar-day change of it on the calendar page.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from django.utils.translation import gettext as _

from jisheng.core.errors import InvalidInput

from . import yamlio
from .yamlio import Label

#: Years a notice may be entered for (the calendar page's range).
MIN_YEAR, MAX_YEAR = 1949, 2200

_KEYS = {"year", "source", "title", "published", "url", "holidays", "workdays"}


@dataclass(frozen=True)
class NoticeHoliday:
    """A rest period of the notice, ``first``…``last`` inclusive, read at ``line``."""

    name: str
    first: dt.date
    last: dt.date
    line: int

    def days(self) -> list[dt.date]:
        return [self.first + dt.timedelta(days=i) for i in range((self.last - self.first).days + 1)]


@dataclass(frozen=True)
class Notice:
    """A State Council holiday notice for ``year`` (every date in it lies in ``year``)."""

    year: int
    source: str
    holidays: tuple[NoticeHoliday, ...]
    workdays: tuple[tuple[dt.date, int], ...]  # (date, line)
    title: str = ""
    published: dt.date | None = None
    url: str = ""

    def days(self) -> dict[dt.date, tuple[str, str]]:
        """``{date: (kind, name)}`` for every rest day of a holiday range and every make-up workday; a workday is
        named after the nearest holiday (e.g. 春节 for the Saturday worked after the Spring Festival)."""
        result: dict[dt.date, tuple[str, str]] = {}
        for h in self.holidays:
            for day in h.days():
                result[day] = ("holiday", h.name)
        for day, _line in self.workdays:
            result[day] = ("workday", self._nearest_holiday(day))
        return dict(sorted(result.items()))

    def _nearest_holiday(self, day: dt.date) -> str:
        def distance(h: NoticeHoliday) -> int:
            return min(abs((day - h.first).days), abs((day - h.last).days))

        return min(self.holidays, key=distance).name if self.holidays else _("调休上班")

    def as_json(self) -> dict[str, Any]:
        """The normalised notice (ISO dates), as stored on the calendar year and compared on re-import."""
        return {
            "year": self.year, "source": self.source, "title": self.title,
            "published": self.published.isoformat() if self.published else None, "url": self.url,
            "holidays": [{"name": h.name, "first": h.first.isoformat(), "last": h.last.isoformat()}
                         for h in self.holidays],
            "workdays": [d.isoformat() for d, _line in self.workdays],
        }

    def warnings(self) -> list[str]:
        """Things that are allowed but worth a second look before saving (shown in the preview)."""
        notes = []
        for day, line in self.workdays:
            if day.weekday() < 5:
                notes.append(_("第 %(line)d 行：调休上班日 %(d)s 是工作日（周一至周五），标为上班不改变任何期限。")
                             % {"line": line, "d": day.isoformat()})
        for h in self.holidays:
            if (h.last - h.first).days + 1 > 10:
                notes.append(_("第 %(line)d 行：%(n)s 连续 %(k)d 天，请核对通知原文。")
                             % {"line": h.line, "n": h.name, "k": (h.last - h.first).days + 1})
        return notes


def notice_from_json(data: dict[str, Any]) -> Notice:
    """The :class:`Notice` stored by :meth:`Notice.as_json` (lines unknown: 0)."""
    return Notice(
        year=int(data["year"]), source=str(data["source"]), title=str(data.get("title") or ""),
        published=dt.date.fromisoformat(data["published"]) if data.get("published") else None,
        url=str(data.get("url") or ""),
        holidays=tuple(NoticeHoliday(h["name"], dt.date.fromisoformat(h["first"]), dt.date.fromisoformat(h["last"]), 0)
                       for h in data.get("holidays", [])),
        workdays=tuple((dt.date.fromisoformat(d), 0) for d in data.get("workdays", [])),
    )


def read_notice_file(path: Path) -> Notice:
    """Read and check the notice at ``path``; :class:`InvalidInput` names the file and line (or says the file
    cannot be read)."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InvalidInput(_("无法读取文件：%(e)s") % {"e": exc.strerror or exc}, location=str(path)) from None
    return parse_notice(raw, path)


def parse_notice(raw: bytes | str, where: Path | str) -> Notice:
    """Parse and check a notice. ``where`` names it in errors: a :class:`~pathlib.Path` (shown relative to the
    project when inside it) or a plain name such as an uploaded file's or "粘贴的文本" (shown as is).

    Raises :class:`InvalidInput` with ``location`` ``"NAME:LINE"`` at the first problem found.
    """
    path: Path | Label = where if isinstance(where, Path) else Label(where)
    data = raw.encode("utf-8") if isinstance(raw, str) else raw
    root = yamlio.compose_bytes(data, path)
    top = yamlio.as_dict(path, root, _("通知"), required={"year", "source", "holidays"}, allowed=_KEYS)

    year_node = top["year"]
    year = yamlio.scalar(path, year_node)
    if isinstance(year, bool) or not isinstance(year, int):
        raise InvalidInput(_("“year”必须是四位年份，例如 2027。"), location=yamlio.location(path, year_node))
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise InvalidInput(_("年份 %(y)d 超出可录入范围（%(a)d–%(b)d）。") % {"y": year, "a": MIN_YEAR, "b": MAX_YEAR},
                           location=yamlio.location(path, year_node))
    source = yamlio.string(path, top["source"], "source")
    if len(source) > 200:
        raise InvalidInput(_("“source”过长（最多 200 字）。"), location=yamlio.location(path, top["source"]))
    title = yamlio.string(path, top["title"], "title", allow_empty=True) if "title" in top else ""
    url = yamlio.string(path, top["url"], "url", allow_empty=True) if "url" in top else ""
    published = yamlio.date(path, top["published"], "published", allow_null=True) if "published" in top else None

    def in_year(node: yaml.Node, what: str) -> dt.date:
        day = yamlio.date(path, node, what)
        assert day is not None
        if day.year != year:
            raise InvalidInput(_("%(d)s 不在 %(y)d 年内（本文件只录入 %(y)d 年的日期；"
                                 "上一年被调整的日期请在该年的日历中修改）。") % {"d": day.isoformat(), "y": year},
                               location=yamlio.location(path, node))
        return day

    holidays_node = top["holidays"]
    if not isinstance(holidays_node, yaml.SequenceNode) or not holidays_node.value:
        raise InvalidInput(_("“holidays”必须是至少一项的列表：- {name: 元旦, first: YYYY-MM-DD, last: YYYY-MM-DD}"),
                           location=yamlio.location(path, holidays_node))
    holidays: list[NoticeHoliday] = []
    taken: dict[dt.date, NoticeHoliday] = {}
    for item in holidays_node.value:
        fields = yamlio.as_dict(path, item, _("节假日"), required={"name", "first", "last"},
                                allowed={"name", "first", "last"})
        name = yamlio.string(path, fields["name"], "name")
        if len(name) > 64:
            raise InvalidInput(_("名称过长（最多 64 字）。"), location=yamlio.location(path, fields["name"]))
        first = in_year(fields["first"], "first")
        last = in_year(fields["last"], "last")
        line = item.start_mark.line + 1
        if last < first:
            raise InvalidInput(_("%(n)s 的结束日 %(b)s 早于开始日 %(a)s。") % {
                "n": name, "a": first.isoformat(), "b": last.isoformat()},
                location=yamlio.location(path, fields["last"]))
        holiday = NoticeHoliday(name, first, last, line)
        for day in holiday.days():
            if day in taken:
                other = taken[day]
                raise InvalidInput(_("%(n)s 与第 %(l)d 行的 %(o)s 重叠（%(d)s）；"
                                     "合并放假的节日请写成一项，例如“中秋节、国庆节”。")
                                   % {"n": name, "l": other.line, "o": other.name, "d": day.isoformat()},
                                   location=yamlio.location(path, item))
            taken[day] = holiday
        holidays.append(holiday)

    workdays: list[tuple[dt.date, int]] = []
    if "workdays" in top and not (isinstance(top["workdays"], yaml.ScalarNode)
                                  and top["workdays"].tag == "tag:yaml.org,2002:null"):
        workdays_node = top["workdays"]
        if not isinstance(workdays_node, yaml.SequenceNode):
            raise InvalidInput(_("“workdays”必须是日期列表，例如 [2027-02-20]。"),
                               location=yamlio.location(path, workdays_node))
        seen: dict[dt.date, int] = {}
        for node in workdays_node.value:
            day = in_year(node, "workdays")
            line = node.start_mark.line + 1
            if day in taken:
                h = taken[day]
                raise InvalidInput(_("%(d)s 既在第 %(l)d 行的节假日“%(n)s”中，又被列为调休上班日。")
                                   % {"d": day.isoformat(), "l": h.line, "n": h.name},
                                   location=yamlio.location(path, node))
            if day in seen:
                raise InvalidInput(_("%(d)s 重复列出（第 %(l)d 行已有）。") % {"d": day.isoformat(), "l": seen[day]},
                                   location=yamlio.location(path, node))
            seen[day] = line
            workdays.append((day, line))

    return Notice(year=year, source=source, title=title, published=published, url=url,
                  holidays=tuple(sorted(holidays, key=lambda h: h.first)), workdays=tuple(sorted(workdays)))
