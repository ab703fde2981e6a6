"""Choices of the benefits app."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class EnrolmentStatus(models.TextChoices):
    APPLIED = "applied", _("已申请")
    VILLAGE_REVIEW = "village_review", _("村级审核公示")
    TOWN_REVIEW = "town_review", _("镇级审核公示")
    COUNTY_REVIEW = "county_review", _("市级审批公示")
    APPROVED = "approved", _("享受中")
    REJECTED = "rejected", _("不予确认")
    ENDED = "ended", _("已终止")


class ReviewLevel(models.TextChoices):
    VILLAGE = "village", _("村（社区）")
    TOWN = "town", _("镇（街道）")
    COUNTY = "county", _("市（县）")


class Opinion(models.TextChoices):
    AGREE = "agree", _("同意")
    DISAGREE = "disagree", _("不同意")


class PostingStatus(models.TextChoices):
    OPEN = "open", _("公示中")
    CLOSED = "closed", _("公示结束")


class ChangeKind(models.TextChoices):
    DEATH = "death", _("死亡")
    NEW_CHILD = "new_child", _("再生育或收养子女")
    RECOVERY = "recovery", _("伤残子女康复")
    MOVE = "move", _("迁移")
    BANK_ACCOUNT = "bank_account", _("银行账户变更")
    OTHER_STOP = "other_stop", _("其他终止")


#: Changes that end the benefit (the event month is still paid; see rules.last_payable_month).
STOP_CHANGES = frozenset({ChangeKind.DEATH, ChangeKind.NEW_CHILD, ChangeKind.RECOVERY, ChangeKind.OTHER_STOP})


class VerificationResult(models.TextChoices):
    CONTINUE = "continue", _("继续享受")
    STOP = "stop", _("停止享受")


class RollStatus(models.TextChoices):
    DRAFT = "draft", _("生成中")
    GENERATED = "generated", _("待审核")
    APPROVED = "approved", _("已审核")
    EXPORTED = "exported", _("已发银行")
    CLOSED = "closed", _("已对账")


#: Roll statuses in which the month is closed: lines are frozen, changes become corrections in a later roll.
FROZEN_ROLL_STATUSES = frozenset({RollStatus.APPROVED, RollStatus.EXPORTED, RollStatus.CLOSED})


class LineKind(models.TextChoices):
    REGULAR = "regular", _("正常发放")
    ARREARS = "arrears", _("补发")
    RECOVERY = "recovery", _("扣回多发")


class LineStatus(models.TextChoices):
    PENDING = "pending", _("待发放")
    PAID = "paid", _("已到账")
    FAILED = "failed", _("发放失败")


class RunStep(models.TextChoices):
    GENERATE = "generate", _("生成花名册")
    EXPORT = "export", _("生成银行文件")
    IMPORT = "import", _("导入银行回盘")


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("进行中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")
