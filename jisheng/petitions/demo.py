"""Demo petitions in varied states, so the petition pages have something real to show: a web petition just
registered, one assigned to two towns (one delivery failed and retried, one town answered), one answered,
replied, closed and followed up, a dissatisfied one flagged for a supervisor, and a sensitive period."""

from __future__ import annotations

import datetime as dt
from typing import Any

from jisheng.accounts.models import User
from jisheng.accounts.roles import Role
from jisheng.cases.models import Case
from jisheng.core import clock
from jisheng.core.models import Area, AreaLevel

from . import services

CONTENT = "反映独生子女父母奖励自去年起未按时发放，请求核实并补发。"


def _at(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, 9, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def create_demo_petitions() -> int:
    """Create the demo petitions once; returns how many demo petitions exist."""
    if Case.objects.filter(is_demo=True, case_type="petition").exists():
        return Case.objects.filter(is_demo=True, case_type="petition").count()
    area = services.petitions_area()
    clerk = User.objects.filter(role=Role.PETITION_CLERK, area=area, is_active=True).exclude(
        username__startswith="petitions-intake-").order_by("id").first()
    towns = list(Area.objects.filter(parent=area, level=AreaLevel.TOWN).order_by("code")[:2])
    if clerk is None or len(towns) < 2:
        return 0
    officers = [User.objects.filter(role=Role.TOWN_OFFICER, area=t).order_by("id").first() for t in towns]
    today = clock.today()

    def day(n: int) -> dt.date:
        return today - dt.timedelta(days=n)

    def receive(n: int, channel: str, subject: str, name: str, **kwargs: Any) -> Any:
        actor = services.intake_actor(channel) if channel == "web" else clerk
        petition, _created = services.petition_receive(
            channel=channel, received_at=_at(day(n)), subject=subject, content=CONTENT, actor=actor,
            petitioner={"name": name, "phone": "13800000000"}, is_demo=True, **kwargs)
        return petition

    receive(1, "web", "奖励扶助金未到账", "陈晓梅")
    assigned = receive(12, "hotline_12345", "独生子女父母奖励未发放", "王建国", order_no="DEMO-12345-0001")
    services.petition_accept(assigned, actor=clerk, on=day(11))
    due = day(11) + dt.timedelta(days=20)
    a = services.petition_assign(assigned, area=towns[0], due=due, instruction="请核实并答复", actor=clerk, on=day(10))
    b = services.petition_assign(assigned, area=towns[1], due=due, instruction="请核实并答复", actor=clerk, on=day(10))
    failed = services.delivery_record(assignment=b, channel="fax", on=day(10), outcome="failed",
                                      failure_reason="传真号码有误", actor=clerk)
    services.delivery_record(assignment=b, channel="post", on=day(8), outcome="delivered", retry_of=failed, actor=clerk)
    if officers[0] is not None:
        services.delivery_acknowledge(a, actor=officers[0], on=day(9))
        services.assignment_respond(a, response="经核实，该户奖励因银行账号变更未到账，已重新发放。", actor=officers[0],
                                    on=day(5))
    for n, result, name in ((40, "satisfied", "李秀英"), (35, "dissatisfied", "张伟")):
        done = receive(n, "visit", "病残儿鉴定结论咨询" if result == "satisfied" else "特别扶助金标准", name)
        services.petition_accept(done, actor=clerk, on=day(n - 1))
        services.petition_give_opinion(done, outcome="explain", facts="经调查核实，情况属实。",
                                       reasons="依照有关规定予以解释说明。",
                                       provision_keys=["petition-work-reg-2022/art-32"], actor=clerk, on=day(n - 10))
        reply = services.petition_send_reply(done, text="已当面答复并解释有关政策。", channel="visit",
                                             on=day(n - 11), actor=clerk)
        services.reply_mark_received(reply, on=day(n - 11), actor=clerk)
        services.petition_close(done, actor=clerk, on=day(n - 11))
        services.follow_up_record(done, result=result, on=day(n - 12), note="", actor=clerk)
    services.sensitive_period_save(name="全国两会", start=dt.date(today.year, 3, 1), end=dt.date(today.year, 3, 15),
                                   actor=clerk)
    return Case.objects.filter(is_demo=True, case_type="petition").count()


def demo_step(*, seed: int = 1, options: dict[str, Any] | None = None, stdout: Any = None) -> str:
    """``jisheng demo`` step: petitions in varied states."""
    return f"{create_demo_petitions()} petitions"
