"""Every link on a demo account's workbench to-do list and deadlines list opens for that account."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from jisheng.accounts.models import User
from jisheng.registry.models import DuplicateCandidate, DuplicateStatus

from .conftest import login


@pytest.mark.django_db
@pytest.mark.slow
def test_every_workbench_link_of_every_demo_account_opens() -> None:
    """Regression: the only to-do of most county-level demo accounts (委领导, 法制审核员, 财务人员, 信访,
    健康项目, 审计) was "核查疑似重复人员", linking to the duplicate review their role may not open (403)."""
    call_command("demo", "--seed", "2013", "--persons", "1500", stdout=StringIO())
    assert DuplicateCandidate.objects.filter(status=DuplicateStatus.PENDING).exists()  # the finding's to-do exists
    accounts = list(User.objects.filter(is_demo=True).order_by("id"))
    assert len(accounts) == 24
    failures: list[tuple[str, str, str, int]] = []
    opened = 0
    for user in accounts:
        client = login(Client(raise_request_exception=False), user)
        response = client.get(reverse("core:workbench"))
        assert response.status_code == 200, user.username
        links = [("todo", t.url) for t in response.context["todos"]]
        links += [("deadline", t.url) for t in response.context["at_risk"]]
        for kind, url in links:
            status = client.get(url).status_code
            opened += 1
            if status != 200:
                failures.append((user.username, kind, url, status))
    assert opened > 0  # the demo puts work on somebody's list: the test cannot pass by checking nothing
    assert failures == []


@pytest.mark.django_db
def test_the_workbench_drops_a_link_the_role_may_not_open(town_a: Any, make_user: Any) -> None:
    """Whatever a provider lists, a to-do or deadline whose route refuses the account's role is not shown."""
    from jisheng.core import modules

    def careless(user: Any) -> modules.WorkbenchItems:
        return modules.WorkbenchItems(module="toy", todos=[
            modules.Todo(label="浏览审计记录", url=reverse("core:audit_list") + "?action=export"),
            modules.Todo(label="查看辖区", url=reverse("core:area_tree")),
        ], deadlines_at_risk=[modules.Todo(label="审计期限", url=reverse("core:audit_list"))])

    modules.register_workbench(careless)
    try:
        officer = login(Client(), make_user("town_officer", town_a))
        auditor = login(Client(), make_user("auditor", town_a))
        response = officer.get(reverse("core:workbench"))
        assert [t.label for t in response.context["todos"]] == ["查看辖区"]
        assert response.context["at_risk"] == []
        response = auditor.get(reverse("core:workbench"))
        assert [t.label for t in response.context["todos"]] == ["浏览审计记录", "查看辖区"]
        assert [t.label for t in response.context["at_risk"]] == ["审计期限"]
    finally:
        modules._workbench.remove(careless)
