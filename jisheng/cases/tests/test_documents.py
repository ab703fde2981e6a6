"""The engine's official-document layout: dates, names of bodies from the area tree, the unbreakable closing block,
and the remedies told with an unfavourable decision on each side of the dates the law changed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import override_settings

from jisheng.cases import documents, remedies
from jisheng.core.models import Area
from jisheng.law.provisions import provision_exists
from tests import tools

D = dt.date

#: A procedure's letter as a procedure writes one: extends the engine's base and fills its three blocks.
LETTER = """{% extends "cases/pdf/base.html" %}
{% block body %}<p class="to">王小红：</p>{% for p in paragraphs %}<p>{{ p }}</p>{% endfor %}{% endblock %}
{% block closing_text %}<p>{{ last }}</p>{% endblock %}
{% block note %}<p class="note">依据：测试条款。</p>{% endblock %}"""

LOCMEM_TEMPLATES = [{
    "BACKEND": "django.template.backends.django.DjangoTemplates",
    "OPTIONS": {"loaders": [("django.template.loaders.locmem.Loader", {"test/letter.html": LETTER}),
                            "django.template.loaders.app_directories.Loader"]},
}]


def letter(paragraphs: list[str], last: str = "最后一段：特此通知。") -> bytes:
    with override_settings(TEMPLATES=LOCMEM_TEMPLATES):
        return documents.render_pdf("test/letter.html", {
            "title": "测试通知书", "issuer": "太仓市卫生健康委员会", "doc_number": "太卫〔2026〕1号",
            "signed_on": "2026年11月16日", "paragraphs": paragraphs, "last": last})


def flat(text: str) -> str:
    return text.replace(" ", "").replace("\n", "")


def area(code: str) -> Area:
    return Area.objects.get(code=code)


def test_dates_are_written_with_arabic_numerals_and_no_leading_zeros() -> None:
    assert documents.cn_date(D(2013, 6, 3)) == "2013年6月3日"
    assert documents.cn_date(D(2024, 12, 31)) == "2024年12月31日"


def test_a_short_letter_is_one_page_with_text_seal_and_date() -> None:
    pages = [flat(p) for p in tools.pdf_pages(letter(["正文第一段。"]))]
    assert len(pages) == 1
    for expected in ("太仓市卫生健康委员会", "测试通知书", "正文第一段。", "最后一段：特此通知。",
                     "太仓市卫生健康委员会（印章）", "2026年11月16日", "依据：测试条款。", "—1—"):
        assert expected in pages[0], expected


@pytest.mark.parametrize("paragraphs", range(14, 26))
def test_the_closing_never_splits_from_the_last_paragraph(paragraphs: int) -> None:
    # given a text long enough to need a second page, at lengths that put the page break everywhere near the end
    body = [f"第{n}段：申请人夫妻现有两个子女，均为婚生且健在，本段用于占满版面。" for n in range(paragraphs)]
    # when it is printed
    pages = [flat(p) for p in tools.pdf_pages(letter(body))]
    # then the last paragraph, the seal line, the date and the note are all on the last page, and nowhere else
    closing = ("最后一段：特此通知。", "太仓市卫生健康委员会（印章）", "2026年11月16日", "依据：测试条款。")
    assert len(pages) >= 2
    assert all(part in pages[-1] for part in closing), pages[-1]
    assert not any(part in page for page in pages[:-1] for part in closing)
    assert f"第{paragraphs - 1}段" in "".join(pages)


@pytest.mark.django_db
def test_names_of_bodies_come_from_the_area_tree() -> None:
    town = area("320585100000")  # 城厢镇, 太仓市
    assert documents.county_of(town).name == "太仓市"
    assert documents.government_name(town) == "太仓市人民政府"
    assert documents.basic_court_name(town) == "太仓市人民法院"
    assert documents.commission_name(town, D(2018, 12, 31)) == "太仓市人口和计划生育委员会"
    assert documents.commission_name(town, D(2019, 1, 1)) == "太仓市卫生健康委员会"
    assert documents.superior_commission_name(town, D(2013, 6, 20)) == "苏州市人口和计划生育委员会"
    assert documents.town_office_name(town) == "城厢镇人民政府"
    district = area("320508")  # 姑苏区: a district's bodies carry the city's name
    assert documents.government_name(district) == "苏州市姑苏区人民政府"
    assert documents.basic_court_name(district) == "苏州市姑苏区人民法院"
    city = area("320500")
    assert documents.government_name(city) == "苏州市人民政府" and documents.basic_court_name(city) is None


@pytest.mark.django_db
@pytest.mark.parametrize(("on", "months"), [(D(2015, 4, 30), 3), (D(2015, 5, 1), 6)])
def test_the_direct_suit_period_is_the_one_in_force_on_the_decision_date(on: dt.date, months: int) -> None:
    lines = remedies.remedies_on(area("320585"), on)
    assert lines[1] == f"也可以自收到本决定书之日起{months}个月内直接向太仓市人民法院提起行政诉讼。"


@pytest.mark.django_db
@pytest.mark.parametrize(("on", "bodies"), [
    (D(2013, 6, 20), "太仓市人民政府或者苏州市人口和计划生育委员会"),
    (D(2023, 12, 31), "太仓市人民政府或者苏州市卫生健康委员会"),
    (D(2024, 1, 1), "太仓市人民政府"),
])
def test_the_reconsideration_bodies_are_those_of_the_law_in_force(on: dt.date, bodies: str) -> None:
    lines = remedies.remedies_on(area("320585100000"), on)
    assert lines[0] == f"如不服本决定，可以自收到本决定书之日起60日内向{bodies}申请行政复议。"


@pytest.mark.django_db
def test_a_case_in_another_county_names_its_own_government_and_court() -> None:
    kunshan = area("320583")
    assert remedies.remedies_on(kunshan, D(2024, 1, 1)) == [
        "如不服本决定，可以自收到本决定书之日起60日内向昆山市人民政府申请行政复议。",
        "也可以自收到本决定书之日起6个月内直接向昆山市人民法院提起行政诉讼。",
    ]
    assert "苏州市吴江区人民法院" in remedies.remedies_on(area("320509"), D(2024, 1, 1))[1]


@pytest.mark.parametrize("on", [D(2013, 6, 20), D(2015, 5, 1), D(2023, 12, 31), D(2024, 1, 1), D(2026, 11, 16)])
def test_every_provision_the_remedies_rest_on_is_in_the_catalogue(on: dt.date) -> None:
    keys = remedies.remedy_provisions(on)
    assert len(keys) == 5 and all(provision_exists(k) for k in keys), keys


def test_the_remedy_provisions_change_with_the_law() -> None:
    assert remedies.remedy_provisions(D(2023, 12, 31))[1] == "admin-reconsideration-law-1999/art-12/para-1"
    assert remedies.remedy_provisions(D(2024, 1, 1))[1] == "admin-reconsideration-law-2023/art-24/para-1/item-1"
    assert remedies.remedy_provisions(D(2015, 4, 30))[2:] == [
        "admin-litigation-law-1989/art-39", "admin-litigation-law-1989/art-13", "admin-litigation-law-1989/art-17"]
    assert remedies.remedy_provisions(D(2015, 5, 1))[2:] == [
        "admin-litigation-law-2014/art-46/para-1", "admin-litigation-law-2014/art-14",
        "admin-litigation-law-2014/art-18/para-1"]


def test_unknown_bodies_are_not_invented() -> None:
    # an area without a level above names only the government at its own level
    lone = Area(code="990000", name="某市", level=2, kind="市")
    assert remedies.reconsideration_bodies(lone, D(2013, 6, 20)) == ["某市人民政府"]
    assert remedies.remedies_on(lone, D(2013, 6, 20))[1].endswith("直接向有管辖权的人民法院提起行政诉讼。")
