"""What the registry puts on a staff member's workbench: counts, pending duplicate reviews, imports."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from jisheng.core.modules import Todo, WorkbenchItems


def registry_workbench(user: Any) -> WorkbenchItems:
    """Counts of people in scope (capped), pending duplicate reviews and running imports for ``user``.

    A to-do is listed only for an account whose role may open the page it links to: the duplicate review
    needs ``registry.merge`` and an import's page ``registry.import`` (the capabilities of those routes in
    :mod:`.views`), so a leader or an auditor is not sent to a page that refuses them.
    """
    from .models import ImportStatus, PersonStatus
    from .selectors import COUNT_CAP, capped_counts, imports_for, pending_duplicates_for, visible_persons

    items = WorkbenchItems(module="registry")
    has = getattr(user, "has_capability", lambda c: False)
    if not has("registry.view"):
        return items
    # both counts in one round trip (people up to COUNT_CAP + 1, pending pairs up to 1000)
    alive, n_pending = capped_counts([(visible_persons(user).filter(status=PersonStatus.ALIVE), COUNT_CAP + 1),
                                      (pending_duplicates_for(user), 1000)])
    items.counts[_("在册人口")] = alive
    items.counts[_("待核查疑似重复")] = n_pending
    if n_pending and has("registry.merge"):
        items.todos.append(Todo(label=_("核查疑似重复人员（%(n)s 组）") % {"n": n_pending},
                                url=reverse("registry:duplicate_list"), module="registry"))
    if has("registry.import"):
        for imp in imports_for(user).filter(status__in=[ImportStatus.QUEUED, ImportStatus.RUNNING])[:5]:
            items.todos.append(Todo(label=_("花名册导入进行中：%(f)s") % {"f": imp.filename},
                                    url=reverse("registry:import_detail", args=[imp.pk]), module="registry"))
    return items
