"""Dated parameters: values in force by date, and a loader that names file and line for every mistake."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from jisheng.core.errors import InvalidInput
from jisheng.law import parameters
from jisheng.law.checks import check_parameters, check_provisions
from jisheng.law.parameters import load_parameter_file, parameter_value
from jisheng.law.provisions import provision_exists

D = dt.date
GOOD = """description: 测试期限
unit: working_days
values:
  2004-07-01:
    value: 20
    provision: admin-licensing-law-2003/art-42/para-1
    verified: true
"""


def write(tmp_path: Path, text: str, name: str = "test.key.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_half_open_intervals_on_both_sides_of_a_change() -> None:
    assert parameter_value("ogi.reply", D(2019, 5, 14)).value == 15
    assert parameter_value("ogi.reply", D(2019, 5, 15)).value == 20
    assert parameter_value("litigation.direct_suit", D(2015, 4, 30)).value == 3
    assert parameter_value("litigation.direct_suit", D(2015, 5, 1)).value == 6
    assert parameter_value("litigation.direct_suit", D(2015, 5, 1)).unit == "months"
    assert parameter_value("petition.conclusion", D(2022, 4, 30)).provision == "petition-reg-2005/art-33"
    assert parameter_value("petition.conclusion", D(2022, 5, 1)).provision == "petition-work-reg-2022/art-34"


def test_procedure_time_limits() -> None:
    on = D(2013, 6, 1)
    assert [parameter_value(k, on).value for k in (
        "licensing.supplement_notice", "licensing.decision", "licensing.decision_extension", "licensing.certificate",
        "birth_approval.supplement_notice", "birth_approval.town_opinion", "birth_approval.decision",
        "petition.routing", "petition.conclusion", "petition.conclusion_extension", "petition.review_request",
        "petition.review", "petition.re_review_request", "petition.re_review", "ogi.reply", "ogi.reply_extension",
        "fee.payment", "reconsideration.application", "litigation.direct_suit")] == \
        [5, 20, 10, 10, 3, 7, 15, 15, 60, 30, 30, 30, 30, 30, 15, 15, 30, 60, 3]
    assert parameter_value("licensing.publication", D(2019, 1, 4)).value == 7
    with pytest.raises(InvalidInput):
        parameter_value("licensing.publication", D(2019, 1, 3))


def test_special_assistance_amounts() -> None:
    local = parameter_value("special_assistance.local_standard.deceased", D(2013, 1, 1))
    assert (local.value, local.unit, local.verified) == (Decimal(500), "yuan_per_person_month", False)
    assert parameter_value("special_assistance.local_standard.disabled", D(2013, 1, 1)).value == Decimal(400)
    with pytest.raises(InvalidInput):
        parameter_value("special_assistance.local_standard.disabled", D(2012, 12, 31))
    floor = "special_assistance.national_floor."
    assert parameter_value(floor + "deceased.urban", D(2013, 12, 31)).value == Decimal(135)
    assert parameter_value(floor + "deceased.urban", D(2014, 1, 1)).value == Decimal(340)
    assert parameter_value(floor + "deceased.rural", D(2014, 1, 1)).value == Decimal(170)
    assert parameter_value(floor + "disabled.rural", D(2014, 1, 1)).value == Decimal(150)
    assert parameter_value(floor + "disabled.urban", D(2008, 1, 1)).value == Decimal(80)
    assert parameter_value("rural_reward.amount", D(2013, 1, 1)).value == Decimal(720)


def test_unknown_key_and_date_before_first_value() -> None:
    with pytest.raises(InvalidInput, match="未知的参数"):
        parameter_value("no.such.parameter", D(2013, 1, 1))
    with pytest.raises(InvalidInput, match="2001-01-01"):
        parameter_value("licensing.decision", D(2001, 1, 1))


def test_good_file_loads_with_locations(tmp_path: Path) -> None:
    p = load_parameter_file(write(tmp_path, GOOD))
    assert p.key == "test.key"
    assert p.values[0].value == 20 and p.values[0].valid_to is None
    assert p.values[0].location.endswith("test.key.yaml:5")


def test_impossible_date_names_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD + """  2025-02-30:
    value: 30
    provision: admin-licensing-law-2019/art-42/para-1
    verified: true
""")
    with pytest.raises(InvalidInput) as err:
        load_parameter_file(path)
    assert err.value.location == f"{path}:8"
    assert "2025-02-30" in str(err.value) and "test.key.yaml:8" in str(err.value)


def test_value_without_reference_names_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD + """  2025-01-01:
    value: 30
    verified: true
""")
    with pytest.raises(InvalidInput) as err:
        load_parameter_file(path)
    assert err.value.location == f"{path}:9"
    assert "provision" in str(err.value)


def test_empty_reference_is_rejected(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace("provision: admin-licensing-law-2003/art-42/para-1", "provision: ''"))
    with pytest.raises(InvalidInput) as err:
        load_parameter_file(path)
    assert err.value.location == f"{path}:5"


@pytest.mark.parametrize(("second", "line"), [("2004-07-01", 8), ("2003-01-01", 8)])
def test_duplicate_or_unordered_dates(tmp_path: Path, second: str, line: int) -> None:
    path = write(tmp_path, GOOD + f"""  {second}:
    value: 30
    provision: admin-licensing-law-2019/art-42/para-1
    verified: true
""")
    with pytest.raises(InvalidInput) as err:
        load_parameter_file(path)
    assert err.value.location == f"{path}:{line}"


@pytest.mark.parametrize(("old", "new", "line", "needle"), [
    ("    verified: true\n", "", 5, "verified"),
    ("value: 20", "value: -1", 5, "非负整数"),
    ("value: 20", "value: twenty", 5, "非负整数"),
    ("unit: working_days", "unit: fortnights", 2, "fortnights"),
    ("    verified: true\n", "    verified: true\n    colour: red\n", 8, "colour"),
    ("values:\n", "values:\n  not-a-date:\n    value: 1\n", 4, "YYYY-MM-DD"),
])
def test_other_mistakes_name_the_line(tmp_path: Path, old: str, new: str, line: int, needle: str) -> None:
    path = write(tmp_path, GOOD.replace(old, new, 1))
    with pytest.raises(InvalidInput) as err:
        load_parameter_file(path)
    assert err.value.location == f"{path}:{line}", str(err.value)
    assert needle in str(err.value)


def test_yaml_syntax_error_names_line(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD + "  2025-01-01: [unclosed\n")
    with pytest.raises(InvalidInput) as err:
        load_parameter_file(path)
    assert err.value.location is not None and err.value.location.startswith(str(path) + ":")


def test_repository_parameters_pass_the_checks() -> None:
    assert check_parameters(None) == []
    assert check_provisions(None) == []


def test_every_parameter_cites_a_known_provision() -> None:
    for parameter in parameters.all_parameters().values():
        for value in parameter.values:
            assert provision_exists(value.provision), (parameter.key, value.provision)


@pytest.mark.django_db
def test_a_bad_parameter_file_refuses_to_start(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, GOOD.replace("2004-07-01", "2025-02-30"))
    monkeypatch.setattr(parameters, "DATA_DIR", tmp_path)
    [error] = check_parameters(None)
    assert error.id == "law.E001" and "test.key.yaml:4" in error.msg
    with pytest.raises(SystemCheckError, match=r"law\.E001"):
        call_command("check")


def test_a_parameter_citing_an_unknown_provision_refuses_to_start(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, GOOD.replace("admin-licensing-law-2003/art-42/para-1", "no-such-law-2000/art-1"))
    monkeypatch.setattr(parameters, "DATA_DIR", tmp_path)
    [error] = check_provisions(None)
    assert error.id == "law.E003" and "no-such-law-2000/art-1" in error.msg and "test.key.yaml:5" in error.msg


def test_the_social_maintenance_fee_ends_with_the_2021_law() -> None:
    """The 2021 text of the population law (in force 2021-08-20) has no fee article: a 2024 date has no value."""
    for key in ("fee.payment", "fee.instalment_request", "fee.late_fee_rate"):
        last = parameter_value(key, D(2021, 8, 19))
        assert last.value is not None and last.valid_to == D(2021, 8, 20)
        for on in (D(2021, 8, 20), D(2024, 6, 1)):
            with pytest.raises(InvalidInput, match="没有有效的取值"):
                parameter_value(key, on)
    assert parameter_value("fee.late_fee_rate", D(2013, 6, 1)).value == Decimal("0.002")


def test_special_assistance_rows_before_2014_cite_the_2007_scheme_and_the_2012_adjustment() -> None:
    floor = "special_assistance.national_floor."
    for kind in ("disabled.urban", "disabled.rural", "deceased.urban", "deceased.rural"):
        assert parameter_value(floor + kind, D(2008, 1, 1)).provision.startswith("special-assistance-pilot-2007/")
        assert parameter_value(floor + kind, D(2013, 12, 31)).provision.startswith("special-assistance-adjustment-")
        assert parameter_value(floor + kind, D(2014, 1, 1)).provision.startswith("special-hardship-notice-2013/")


def test_the_values_confirmed_in_published_texts_are_marked_verified() -> None:
    from jisheng.law.provisions import provision_data, version_data

    assert parameter_value("ogi.reply", D(2013, 6, 1)).verified
    assert parameter_value("ogi.reply_extension", D(2013, 6, 1)).verified
    assert parameter_value("litigation.direct_suit", D(2013, 6, 1)).verified
    assert provision_data("admin-licensing-law-2003/art-83").verified
    assert version_data("admin-licensing-law-2003").effective == D(2004, 7, 1)
    assert version_data("ogi-reg-2007").effective == D(2008, 5, 1)
    assert provision_data("ogi-reg-2007/art-24/para-2").verified
    assert provision_data("admin-litigation-law-1989/art-39").verified
    assert all(provision_data(f"civil-code-2020/art-{n}").verified for n in (201, 202, 203))
