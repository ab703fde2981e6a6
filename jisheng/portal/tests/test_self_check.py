"""The public self-check one question at a time, its result in plain words in three languages, and the leaflets and
service guides by period (issue 18, deliverable 2)."""

from __future__ import annotations

import re
from typing import Any

import polib
import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from jisheng.licensing import guidance, rules
from jisheng.portal import catalogue_strings

#: Internal keys that must never reach a citizen (provision keys and their article parts).
INTERNAL = ("js-pfp", "pfp-law", "/art-", "UNVERIFIED")

TOWN = "320585100000"  # 城厢镇
SUBDISTRICT = "320585001000"  # 娄东街道

#: The answers each couple gives when asked (a question not listed is answered "不清楚").
COUPLE_2013 = {"as_of": "2013-06-01", "children": "1", "first_child_sex": "F", "wife_birth_date": "1986-04-02",
               "wife_hukou": "urban", "appraisal": "none", "duty_disability_grade": "none", "martyr_only_child": "no",
               "two_generation": "no", "wife_only_child": "yes", "husband_only_child": "yes", "town": TOWN}
COUPLE_2017 = {"as_of": "2017-03-01", "children": "1", "town": SUBDISTRICT}
COUPLE_2026 = {"as_of": "2026-01-15", "children": "2", "town": SUBDISTRICT}


def client(language: str = "zh-hans") -> Client:
    c = Client()
    c.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return c


def walk(c: Client, answers: dict[str, str]) -> tuple[list[str], Any]:
    """Answer the self-check question by question as a browser without JavaScript does (a GET form per step, the
    page's hidden inputs sent back); return the questions asked and the result page."""
    response = c.get("/portal/self-check/")
    asked: list[str] = []
    for _ in range(40):
        # read from the page, not the template context: the empty first page may come from the in-process store
        html = response.content.decode()
        if 'id="question"' not in html:
            return asked, response
        form = html[html.index('id="question"'):]
        name = re.findall(r'<input type="hidden" name="current" value="([^"]*)"', form)[0]
        asked.append(name)
        data = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form[: form.index("</form>")]))
        data[name] = answers.get(name, "")
        response = c.get("/portal/self-check/", data)
        assert response.status_code == 200
    raise AssertionError(f"the self-check kept asking: {asked}")


def visible(response: Any) -> str:
    """The page without its machine-readable provision attribute (the keys the contract §2 test compares)."""
    return re.sub(r' data-provisions="[^"]*"', "", response.content.decode())


def main_text(response: Any) -> str:
    """The words of the page's main content (no tags, no header with the language switch)."""
    html = visible(response)
    main = html[html.index("<main"):html.index("</main>")]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main))


def section(response: Any, element_id: str) -> str:
    html = response.content.decode()
    start = html.index(f'id="{element_id}"')
    return re.sub(r"<[^>]+>", " ", html[start:html.index("</ol>", start)])


@pytest.mark.django_db
def test_a_2026_couple_is_asked_fewer_questions_than_a_2013_couple() -> None:
    """The next question is the one the rule in force needs: in 2026 the date, the children and the town; in 2013
    what the 2002 grounds need, child by child and ground by ground until one holds."""
    asked_2026, result_2026 = walk(client(), COUPLE_2026)
    asked_2013, result_2013 = walk(client(), COUPLE_2013)
    assert asked_2026 == ["as_of", "children", "town"]
    assert asked_2013[:5] == ["as_of", "children", "first_child_sex", "wife_birth_date", "wife_hukou"]
    assert len(asked_2013) == 12 and len(asked_2026) < len(asked_2013)
    assert "wife_birth_date" not in asked_2026 and "wife_hukou" not in asked_2026  # the 2021 rule has no such ground
    assert result_2026.context["result"]["eligible"] is True and result_2013.context["result"]["eligible"] is True


@pytest.mark.django_db
def test_a_2013_couple_applies_for_approval_at_the_town_and_the_population_commission() -> None:
    _asked, response = walk(client(), COUPLE_2013)
    result = response.context["result"]
    assert result["procedure"] == "approval" and result["provisions"] == ["js-pfp-reg-2002/art-22/item-6"]
    text = main_text(response)
    assert "可以申请再生育一个孩子（需要审批）" in text
    assert "《江苏省人口与计划生育条例》（2002年文本）第二十二条第（六）项" in text
    assert "城厢镇人民政府（受理）" in text and "太仓市人口和计划生育委员会（审批）" in text
    steps = section(response, "steps")
    assert "《再生育申请审批表》" in steps and "15个工作日内作出决定" in steps and "须在生育前取得生育证" in steps
    assert "《批准再生育一个孩子生育证》" in steps and "卫生健康委员会" not in text


@pytest.mark.django_db
@pytest.mark.parametrize(("answers", "provisions", "department"), [
    (COUPLE_2017, ["pfp-law-2015/art-18", "js-pfp-reg-2016/birth-registration"], "太仓市人口和计划生育委员会"),
    (COUPLE_2026, ["pfp-law-2021/art-18", "js-pfp-reg-2021/birth-registration"], "太仓市卫生健康委员会"),
], ids=["2017", "2026"])
def test_a_later_couple_registers_the_birth_without_approval(answers: dict[str, str], provisions: list[str],
                                                             department: str) -> None:
    """From 2016 the answer is birth registration: no application form, no waiting days, no 生育证; the town's
    office registers, the department in charge is named as it was that year; the unverified Jiangsu text is
    phrased "以当地卫生健康部门解释为准"."""
    _asked, response = walk(client(), answers)
    result = response.context["result"]
    assert result["procedure"] == "registration" and result["provisions"] == provisions
    text = main_text(response)
    assert "可以生育，办理生育登记即可" in text and "娄东街道办事处" in text
    assert f"{department}（主管部门）" in text and "（审批）" not in text
    steps = section(response, "steps") + section(response, "materials")
    for word in ("审批表", "工作日", "取得生育证", "批准再生育"):
        assert word not in steps, word
    assert "到娄东街道办事处办理生育登记" in steps
    assert "（条文待核实，以当地卫生健康部门解释为准）" in text
    assert "以法制科确认为准" not in text


@pytest.mark.django_db
@pytest.mark.parametrize(("as_of", "commission"), [("2017-03-01", "太仓市人口和计划生育委员会"),
                                                   ("2026-01-15", "太仓市卫生健康委员会")])
def test_an_approval_after_2016_names_the_commission_of_its_date(as_of: str, commission: str) -> None:
    """Another child (one of the children appraised disabled) still needs approval, decided by the county-level
    commission by its name on that date — from the area tree, not a constant."""
    children = "2" if as_of < "2021" else "3"
    _asked, response = walk(client(), {"as_of": as_of, "children": children,
                                       "appraisal": "non_hereditary_not_normal_labour", "town": TOWN})
    result = response.context["result"]
    assert result["procedure"] == "approval"
    text = main_text(response)
    assert f"{commission}（审批）" in text and "城厢镇人民政府（受理）" in text
    steps = section(response, "steps")
    assert "15个工作日内作出决定" in steps and "须在生育前取得生育证" in steps and "审批表" not in steps


@pytest.mark.django_db
def test_a_wife_registered_elsewhere_is_sent_to_her_own_town_and_county() -> None:
    _asked, response = walk(client(), {"as_of": "2026-01-15", "children": "3",
                                       "appraisal": "non_hereditary_not_normal_labour", "town": "other"})
    text = main_text(response)
    assert "女方户籍所在地的镇人民政府或街道办事处（受理）" in text and "县（市、区）卫生健康委员会（审批）" in text
    assert "太仓" not in text


@pytest.mark.django_db
@pytest.mark.parametrize("answers", [COUPLE_2013, COUPLE_2017, COUPLE_2026], ids=["2013", "2017", "2026"])
@pytest.mark.parametrize("language", ["zh-hans", "zh-hant", "en"])
def test_the_result_shows_no_internal_key_in_any_language(answers: dict[str, str], language: str) -> None:
    """No provision key, article key or English status word on the page (only the contract's machine-readable
    attribute carries the keys); no English in the Chinese pages; the English page is in English."""
    _asked, response = walk(client(language), answers)
    html = visible(response)
    for word in INTERNAL:
        assert word not in html, word
    text = main_text(response)
    if language == "en":
        assert re.search(r"You may (have the child|apply for another child)", text)
        assert "Where to" in text and "What to bring" in text
        # Chinese only in brackets after the English: the names on the signs and the forms' titles
        english = re.sub(r"\([^()]*[\u4e00-\u9fff][^()]*\)", "", text)
        assert not re.search(r"[\u4e00-\u9fff]", english), english
    else:
        assert not re.search(r"[A-Za-z]{2,}", text), re.findall(r"[A-Za-z]{2,}", text)
    if language == "zh-hant":
        assert "依據" in text and "帶什麼材料" in text and "辦" in text
        assert "依据" not in text


@pytest.mark.django_db
def test_back_and_edit_change_an_answer() -> None:
    c = client()
    response = c.get("/portal/self-check/")
    response = c.post("/portal/self-check/", {"asked": "", "current": "as_of", "as_of": "2026-01-15"})
    assert response.context["question"]["name"] == "children"
    back = c.post("/portal/self-check/", {"asked": "as_of", "current": "children", "as_of": "2026-01-15",
                                          "back": "1"})
    assert back.context["question"]["name"] == "as_of" and back.context["question"]["value"] == "2026-01-15"
    edit = c.post("/portal/self-check/", {"asked": "as_of,children,town", "current": "", "as_of": "2026-01-15",
                                          "children": "3", "town": TOWN, "edit": "children"})
    assert edit.context["question"]["name"] == "children" and edit.context["question"]["value"] == "3"
    bad = c.post("/portal/self-check/", {"asked": "", "current": "as_of", "as_of": "1990-01-01"})
    assert bad.context["question"]["name"] == "as_of" and bad.context["question"]["errors"]


@pytest.mark.django_db
def test_each_step_is_a_small_form_that_htmx_swaps_in_place() -> None:
    html = client().get("/portal/self-check/").content.decode()
    assert 'hx-get="/portal/self-check/"' in html and 'hx-select="#selfcheck"' in html
    assert 'name="current" value="as_of"' in html and 'type="date"' in html
    assert "<script>" not in html and "style=" not in html  # strict CSP
    whole = client().get("/portal/self-check/?all=1").content.decode()
    assert 'name="wife_birth_date"' in whole and 'name="land_mu"' in whole  # the one-page questionnaire stays


# --- leaflets and service guides by period ------------------------------------------------------------

@pytest.mark.django_db
def test_the_leaflet_list_groups_by_period_today_first_each_dated() -> None:
    response = client().get("/portal/leaflets/")
    text = main_text(response)
    order = [text.index(d) for d in ("2021年9月29日起", "2021年8月20日至2021年9月28日", "2016年1月1日至2021年8月19日",
                                     "2014年3月28日至2015年12月31日", "2014年3月27日以前")]
    assert order == sorted(order)
    assert "现行" in text[: order[1]]
    html = visible(response)
    assert len(re.findall(r'href="/portal/leaflets/2002-11-01/[^"/]+/"', html)) == 14  # Art. 22 1–7, 23 1–6, para. 2
    assert len(re.findall(r'href="/portal/leaflets/2014-03-28/[^"/]+/"', html)) == 13
    for slug in ("2021-09-29", "2021-08-20", "2016-01-01", "2014-03-28", "2002-11-01"):
        assert f'href="/portal/leaflets/{slug}/"' in html  # the period's service guide
    for word in INTERNAL:
        assert word not in html
    assert "2015年12月31日前" not in text


@pytest.mark.django_db
def test_a_leaflet_of_the_2014_text_says_when_it_applies() -> None:
    response = client().get("/portal/leaflets/2014-03-28/22-1/")
    text = main_text(response)
    assert "适用于 2014年3月28日至2015年12月31日的申请" in text
    assert "《江苏省人口与计划生育条例》（2014年修正）第二十二条第（一）项" in text
    assert "15个工作日内作出决定" in text and "女方户籍所在地的镇人民政府或街道办事处" in text
    assert "太仓市人口和计划生育委员会" in text
    old = client().get("/portal/leaflets/2002-11-01/23-5/")
    assert "适用于 2014年3月27日以前的申请" in main_text(old) and "人均耕地五亩以上" in main_text(old)


@pytest.mark.django_db
def test_a_leaflet_of_a_period_the_commission_was_renamed_in_names_both() -> None:
    text = main_text(client().get("/portal/leaflets/2016-01-01/another-child-1/"))
    assert "报太仓市人口和计划生育委员会（2019年1月1日起为太仓市卫生健康委员会）" in text
    assert "适用于 2016年1月1日至2021年8月19日的申请" in text


@pytest.mark.django_db
def test_today_s_registration_leaflet_and_guide() -> None:
    leaflet = main_text(client().get("/portal/leaflets/2021-09-29/registration/"))
    assert "适用于 2021年9月29日起办理的生育登记" in leaflet and "现行" in leaflet
    assert "生育三个以内子女实行生育登记" in leaflet and "审批表" not in leaflet and "工作日" not in leaflet
    guide = client().get("/portal/leaflets/2021-09-29/")
    text = main_text(guide)
    assert "生育登记" in text and "再生育审批" in text and "太仓市卫生健康委员会（审批）" in text
    assert "三个子女中有病残儿" in text
    for word in INTERNAL:
        assert word not in visible(guide)
    english = main_text(client("en").get("/portal/leaflets/2021-09-29/"))
    assert "Birth registration" in english and "Taicang Health Commission (太仓市卫生健康委员会)" in english


@pytest.mark.django_db
def test_old_leaflet_addresses_move_to_their_period() -> None:
    response = client().get("/portal/leaflets/js-pfp-reg-2002/art-23/item-5/")
    assert response.status_code == 301 and response["Location"] == "/portal/leaflets/2002-11-01/23-5/"
    moved = client().get("/portal/leaflets/pfp-law-2021/art-18/")
    assert moved["Location"] == "/portal/leaflets/2021-08-20/registration/"
    assert client().get("/portal/leaflets/js-pfp-reg-2002/art-24/item-1/").status_code == 404
    assert client().get("/portal/leaflets/2002-11-01/23-para-3/").status_code == 404  # extends, no leaflet
    assert client().get("/portal/leaflets/1999-01-01/").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["zh-hans", "zh-hant", "en"])
def test_every_leaflet_and_guide_renders_in_every_language(language: str) -> None:
    c = client(language)
    for period in guidance.periods():
        assert c.get(f"/portal/leaflets/{period.slug}/").status_code == 200
        for keys in guidance.situations(period.basis):
            address = guidance.legacy_leaflet_address(keys[0])
            assert address is not None
            response = c.get(f"/portal/leaflets/{period.slug}/{guidance._situation_slug(keys)}/")
            assert response.status_code == 200
            for word in INTERNAL:
                assert word not in visible(response)


def test_every_provision_is_registration_or_approval_and_every_version_has_leaflets() -> None:
    for period in guidance.periods():
        assert guidance.situations(period.basis), period.basis
    for key in rules.PROVISIONS:
        assert guidance.procedure_of(key) in ("registration", "approval")
    for key in guidance.REGISTRATION:
        assert key in rules.PROVISIONS


# --- translations -----------------------------------------------------------------------------------

def test_every_text_of_the_rule_catalogue_is_marked_and_translated() -> None:
    """A text added to the rule catalogue must be marked in jisheng/portal/catalogue_strings.py (for makemessages)
    and have its English in jisheng/locale/en.yaml."""
    missing = [t for t in catalogue_strings.catalogue_texts() if t not in catalogue_strings.MARKED]
    assert not missing, "add to jisheng/portal/catalogue_strings.py:\n" + "\n".join(missing)
    with translation.override("en"):
        untranslated = [t for t in catalogue_strings.catalogue_texts() if translation.gettext(t) == t]
    assert not untranslated, "add to jisheng/locale/en.yaml and run make messages:\n" + "\n".join(untranslated)


def test_no_english_entry_of_the_portal_or_the_guidance_is_left_untranslated() -> None:
    """Every string of the portal and the guidance, and every question and answer of the questionnaire the
    self-check asks, has its English."""
    from jisheng.licensing.forms import QuestionnaireForm

    po = polib.pofile(str(settings.BASE_DIR / "jisheng" / "locale" / "en" / "LC_MESSAGES" / "django.po"))
    ours = ("portal/", "licensing/guidance.py")
    untranslated = [e.msgid for e in po if not e.translated() and not e.obsolete
                    and any(f.startswith(ours) for f, _line in e.occurrences)]
    assert not untranslated
    with translation.override("en"):
        for name, field in QuestionnaireForm.base_fields.items():
            texts = [str(field.label or "")] + [str(label) for _v, label in getattr(field, "choices", [])]
            assert not [t for t in texts if re.search(r"[\u4e00-\u9fff]", t)], name
