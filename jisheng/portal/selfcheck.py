"""The public self-check, one question at a time (docs/adr/0035).

The page is a sequence of small forms: each POST carries the answers so far (hidden), the questions already
answered (``asked``, in order) and the one just shown (``current``). The next question is the first the rule in
force on the chosen date still needs (:func:`jisheng.licensing.forms.next_question`, from the rule's ``missing``
facts): a 2026 couple is asked the date and the number of children, a 2013 couple what the 2002 text's grounds
need. When the rule needs nothing more and there is something to register or apply for, one last question asks
the wife's hukou town, to name where to go. Without JavaScript every step is a full page; with htmx the step is
swapped in place. Nothing is stored.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jisheng.core import clock
from jisheng.core.errors import InvalidInput
from jisheng.licensing import guidance
from jisheng.licensing.forms import QuestionnaireForm, next_question
from jisheng.licensing.services import birth_approval_eligibility

#: The first question: the date whose rules apply.
DATE = "as_of"
#: The last question (not a fact of the rules): the wife's hukou town, to name the office and the commission.
TOWN = "town"
OTHER_PLACE = "other"
QUESTION_NAMES = [n for n in QuestionnaireForm.base_fields if n != "facts_json"] + [TOWN]

#: A line under some questions.
_HELP = {
    DATE: gettext_lazy("按这一天有效的规定判断。现在办理的，保留今天的日期即可。"),
    TOWN: gettext_lazy("只用于告诉您到哪里办理。"),
    "children": gettext_lazy("现有子女都算，包括再婚前的子女和收养的子女。"),
}


@dataclass
class Step:
    """Where a citizen is in the self-check: the answers so far, the question to show (or None: the result)."""

    answers: dict[str, str]
    asked: list[str]
    current: str | None
    errors: list[str] = field(default_factory=list)
    result: dict[str, Any] | None = None
    error: str = ""


def _parse_asked(raw: str) -> list[str]:
    names = [n for n in raw.split(",") if n in QUESTION_NAMES]
    return list(dict.fromkeys(names))


def _as_of(answers: Mapping[str, str]) -> dt.date:
    try:
        return dt.date.fromisoformat(answers.get(DATE, "")) if answers.get(DATE) else clock.today()
    except ValueError:
        return clock.today()


def _form(answers: Mapping[str, Any]) -> QuestionnaireForm:
    return QuestionnaireForm({k: v for k, v in answers.items() if k not in (TOWN, "facts_json")})


def _evaluate(answers: Mapping[str, Any]) -> dict[str, Any]:
    form = _form(answers)
    if not form.is_valid():
        raise InvalidInput(_("请检查填写的内容"), location=next(iter(form.errors)))
    return birth_approval_eligibility(form.facts(), as_of=form.as_of_date())


def start() -> Step:
    """The first page: the date question, today's date filled in."""
    return Step({DATE: clock.today().isoformat()}, [], DATE)


def advance(post: Mapping[str, Any]) -> Step:
    """The step after a POST of one question's form (``current`` answered, or ``back``/``edit`` asked for)."""
    asked = _parse_asked(str(post.get("asked", "")))
    current = str(post.get("current", ""))
    answers = {name: str(post.get(name, "")).strip() for name in [*asked, current] if name in QUESTION_NAMES}
    if post.get("back"):
        if current in answers and current not in asked:
            answers.pop(current)  # the question left unanswered is asked again later if it matters
        previous = asked[-1] if asked else DATE
        return Step(answers, asked[:-1], previous)
    edit = str(post.get("edit", ""))
    if edit in QUESTION_NAMES:
        return Step(answers, [n for n in asked if n != edit], edit)
    if current in QUESTION_NAMES and current not in asked:
        asked.append(current)
    form = _form(answers)
    if not form.is_valid():
        name = next((n for n in asked if n in form.errors), asked[-1] if asked else DATE)
        errors = [str(e) for e in form.errors.get(name, [])] or [_("请检查填写的内容")]
        return Step(answers, [n for n in asked if n != name], name, errors)
    on = _as_of(answers)
    if TOWN in answers and answers[TOWN] not in ("", OTHER_PLACE) and guidance.town_by_code(answers[TOWN], on) is None:
        return Step(answers, [n for n in asked if n != TOWN], TOWN, [_("请从列表中选择")])
    if DATE not in asked:
        return Step(answers, asked, DATE)
    try:
        nxt = next_question(answers, asked, _evaluate)
        result = _evaluate(answers)
    except InvalidInput as exc:
        return Step(answers, [n for n in asked if n != DATE], DATE, [str(exc)])
    if nxt is None and TOWN not in asked and result["eligible"] is not False and guidance.towns_on(on):
        nxt = TOWN
    if nxt is not None:
        return Step(answers, asked, nxt)
    town = guidance.town_by_code(answers.get(TOWN, ""), on)
    facts = form.facts()
    result = guidance.self_check(facts, form.as_of_date(), town, elsewhere=answers.get(TOWN) == OTHER_PLACE)
    return Step(answers, asked, None, result=result)


# --- what the templates show ------------------------------------------------------------------------

def _choices(name: str) -> list[tuple[str, str]]:
    field_ = QuestionnaireForm.base_fields[name]
    choices = [(str(v), str(label)) for v, label in getattr(field_, "choices", [])]
    return [c for c in choices if c[0]] + [c for c in choices if not c[0]]  # 不清楚 last


def question(step: Step) -> dict[str, Any]:
    """The question of ``step`` as the template shows it: ``label``, ``help``, ``kind`` (``choice``, ``date``,
    ``number``, ``town``), ``choices`` or ``groups`` (the towns by county), the current ``value``."""
    name = step.current or DATE
    value = step.answers.get(name, "")
    answered = name in step.answers  # asked before (back, edit, an error): its answer is shown, else none is
    if name == TOWN:
        on = _as_of(step.answers)
        groups = [(guidance.place_name(county), [(t.code, guidance.place_name(t)) for t in towns])
                  for county, towns in guidance.towns_on(on)]
        return {"name": name, "label": _("女方户口在哪个镇（街道）？"), "help": str(_HELP[TOWN]), "kind": "town",
                "groups": groups, "others": [(OTHER_PLACE, _("不在以上地方")), ("", _("不清楚"))], "value": value,
                "answered": answered, "errors": step.errors}
    field_ = QuestionnaireForm.base_fields[name]
    if isinstance(field_, forms.ChoiceField):
        kind = "choice"
    elif isinstance(field_, forms.DateField):
        kind = "date"
    else:
        kind = "number"
    return {"name": name, "label": str(field_.label), "help": str(_HELP.get(name, "")),
            "kind": kind, "choices": _choices(name) if kind == "choice" else [], "value": value, "answered": answered,
            "errors": step.errors, "min": getattr(field_, "min_value", None), "max": getattr(field_, "max_value", None)}


def display(name: str, raw: str, on: dt.date) -> str:
    """An answer as the summary shows it (the choice's words, a date in the page's language)."""
    if not raw:
        return _("不清楚")
    if name == TOWN:
        if raw == OTHER_PLACE:
            return _("不在以上地方")
        town = guidance.town_by_code(raw, on)
        return guidance.place_name(town) if town is not None else raw
    field_ = QuestionnaireForm.base_fields[name]
    if isinstance(field_, forms.ChoiceField):
        return str(dict(_choices(name)).get(raw, raw))
    if isinstance(field_, forms.DateField):
        try:
            return formats.date_format(dt.date.fromisoformat(raw), "DATE_FORMAT")
        except ValueError:
            return raw
    return raw


def summary(step: Step) -> list[dict[str, str]]:
    """The answers given so far, in the order asked: ``name``, ``label``, ``answer``."""
    out = []
    on = _as_of(step.answers)
    for name in step.asked:
        label = _("女方户口所在镇（街道）") if name == TOWN else str(QuestionnaireForm.base_fields[name].label)
        out.append({"name": name, "label": label, "answer": display(name, step.answers.get(name, ""), on)})
    return out


def carried(step: Step) -> list[tuple[str, str]]:
    """The hidden inputs of a step's form: the answers to the questions asked, except the one shown."""
    return [(n, step.answers.get(n, "")) for n in step.asked if n != step.current]
