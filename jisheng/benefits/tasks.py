"""Background jobs of the benefits app (django-tasks; enqueued on commit, idempotent, resumable).

Roll generation for a county runs over every enrolment of the programme; it runs here so the page can
show a progress bar (``RollRun.done / total``) and a crash resumes from the run's cursor when re-enqueued.

A task acts for the user who queued it through ``audit.acting``: in the worker that is a context of its own;
when a request is in force (a backend that runs the task as the page's transaction commits) its events keep
the request's client address and request id.
"""

from __future__ import annotations

from django_tasks import task


@task()
def generate_roll(roll_id: int, actor_id: int | None) -> str:
    """Generate (or resume) roll ``roll_id`` as user ``actor_id``; returns the run's message."""
    from jisheng.accounts.models import User
    from jisheng.core import audit

    from . import services
    from .models import PaymentRoll

    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    roll = PaymentRoll.objects.get(pk=roll_id)
    with audit.acting(actor):
        run = services.roll_generate(roll, actor=actor)
    return run.message


@task()
def write_bank_file(batch_id: int, layout_key: str, actor_id: int | None) -> str:
    """Write the bank file of export batch ``batch_id`` in layout ``layout_key``; returns the file name."""
    from jisheng.accounts.models import User
    from jisheng.core import audit

    from . import bankfiles, services
    from .models import ExportBatch

    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    batch = ExportBatch.objects.select_related("roll").get(pk=batch_id)
    with audit.acting(actor):
        return services.batch_file_write(batch, bankfiles.layout_for(key=layout_key), actor=actor).name
