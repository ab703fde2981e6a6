"""The petitions app's choices: intake channels, delivery channels and outcomes, reply rounds, follow-up results."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    """How a petition came in (and how its reply goes back)."""

    VISIT = "visit", _("来访")
    LETTER = "letter", _("来信")
    SERVICE_LINE = "service_line", _("服务热线")
    HOTLINE_12345 = "hotline_12345", _("12345热线")
    HOTLINE_12356 = "hotline_12356", _("12356热线")
    WEB = "web", _("网上信访")
    FORUM = "forum", _("网络论坛")


#: The hotline API's channel strings (contracts §7) → :class:`Channel`.
API_CHANNELS: dict[str, Channel] = {
    "12345": Channel.HOTLINE_12345,
    "12356": Channel.HOTLINE_12356,
    "service-line": Channel.SERVICE_LINE,
    "web": Channel.WEB,
    "letter": Channel.LETTER,
    "visit": Channel.VISIT,
    "forum": Channel.FORUM,
}


def channel_from_api(value: str) -> Channel:
    """The :class:`Channel` of the API's channel string ``value`` (``"12345"``, ``"service-line"``…).

    Raises:
        ValueError: an unknown channel string.
    """
    try:
        return API_CHANNELS[value]
    except KeyError:
        raise ValueError(f"unknown petition channel {value!r}") from None


def channel_to_api(channel: str) -> str:
    """The API's channel string of ``channel`` (the inverse of :func:`channel_from_api`)."""
    for key, value in API_CHANNELS.items():
        if value == channel:
            return key
    raise ValueError(f"unknown petition channel {channel!r}")


class AssignmentStatus(models.TextChoices):
    PENDING = "pending", _("待送达")
    DELIVERED = "delivered", _("已送达")
    ANSWERED = "answered", _("已答复")


class DeliveryChannel(models.TextChoices):
    SYSTEM = "system", _("系统推送")
    POST = "post", _("邮寄")
    FAX = "fax", _("传真")
    EMAIL = "email", _("电子邮件")
    SMS = "sms", _("短信")
    PHONE = "phone", _("电话")
    IN_PERSON = "in_person", _("当面送达")
    WEB = "web", _("网上查询")


class DeliveryOutcome(models.TextChoices):
    SENT = "sent", _("已发出")
    DELIVERED = "delivered", _("已送达")
    FAILED = "failed", _("送达失败")


class ReplyRound(models.TextChoices):
    """The answer being replied: the first opinion, the review opinion (复查), the re-review opinion (复核)."""

    ORIGINAL = "original", _("处理意见")
    REVIEW = "review", _("复查意见")
    RE_REVIEW = "re_review", _("复核意见")


class FollowUpResult(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASICALLY = "basically", _("基本满意")
    DISSATISFIED = "dissatisfied", _("不满意")


class OpinionOutcome(models.TextChoices):
    """The three handling outcomes (2005 Art. 32; 2022 Art. 32)."""

    SUPPORT = "support", _("支持")
    EXPLAIN = "explain", _("解释说明")
    NOT_SUPPORT = "not_support", _("不予支持")
