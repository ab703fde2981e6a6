"""Demo staff accounts: one per role at county level, one officer per town, one guide per town's first village."""

from __future__ import annotations

import random
from typing import Any

from django.conf import settings
from django.db import transaction
from django_otp.util import random_hex

from jisheng.core.models import Area, AreaLevel

from .models import User
from .roles import Role

DEMO_PASSWORD = "jisheng-demo"  # noqa: S105 - printed by `make run`; demo accounts only
#: Secrets nobody may keep: RFC 6238's test key ("12345678901234567890"), which the demo administrator's authenticator
#: once used and anyone can look up. An installation holding it gets a secret of its own (:func:`renew_published_keys`).
PUBLISHED_TOTP_KEYS = frozenset({"3132333435363738393031323334353637383930"})

_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
    "余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯"
    "龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红建文辉力俊峰斌波宁慧琳雪梅晨阳婷琴云"

COUNTY_ROLES = [
    ("admin", Role.CITY_ADMIN), ("leader", Role.LEADER), ("legal", Role.LEGAL_REVIEWER),
    ("finance1", Role.FINANCE_OFFICER), ("finance2", Role.FINANCE_OFFICER), ("petition", Role.PETITION_CLERK),
    ("health", Role.HEALTH_OFFICER), ("auditor", Role.AUDITOR),
]


def _name(rng: random.Random) -> str:
    return rng.choice(_SURNAMES) + "".join(rng.choice(_GIVEN) for _ in range(rng.choice((1, 2))))


@transaction.atomic
def create_demo_staff(*, seed: int) -> list[tuple[str, str, str]]:
    """Create the demo accounts (idempotent); return ``[(username, role label, area name)]``.

    Deterministic for a seed: the same usernames, names and scopes every time.
    """
    from django_otp.plugins.otp_totp.models import TOTPDevice

    rng = random.Random(seed)
    county = Area.objects.get(code=settings.JISHENG["DEMO_COUNTY_CODE"])
    plan: list[tuple[str, str, Area]] = [(u, r, county) for u, r in COUNTY_ROLES]
    towns = list(Area.objects.filter(parent=county, level=AreaLevel.TOWN).order_by("code"))
    for i, town in enumerate(towns, start=1):
        plan.append((f"town{i}", Role.TOWN_OFFICER, town))
        village = Area.objects.filter(parent=town, level=AreaLevel.VILLAGE).order_by("code").first()
        if village is not None:
            plan.append((f"guide{i}", Role.VILLAGE_GUIDE, village))
    out = []
    for username, role, area in plan:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"role": role, "area": area, "display_name": _name(rng), "is_demo": True},
        )
        if not created:
            _name(rng)  # keep the sequence deterministic
        else:
            user.set_password(DEMO_PASSWORD)
            user.save()
        if role == Role.CITY_ADMIN and not TOTPDevice.objects.filter(user=user).exists():
            # a secret of this installation's own (random); `jisheng otp_code admin` prints its current code
            TOTPDevice.objects.create(user=user, name="demo", key=random_hex(20), confirmed=True)
        out.append((username, str(Role(role).label), area.name))
    return out


def renew_published_keys() -> int:
    """Give every demo account's authenticator that holds a published key (:data:`PUBLISHED_TOTP_KEYS`) a random
    secret of its own; return how many were renewed (0 when none: idempotent)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    renewed = 0
    for device in TOTPDevice.objects.filter(user__is_demo=True, key__in=PUBLISHED_TOTP_KEYS):
        device.key = random_hex(20)
        device.save(update_fields=["key"])
        renewed += 1
    return renewed


def demo_step(*, seed: int, options: dict[str, Any], stdout: Any = None) -> str:
    accounts = create_demo_staff(seed=seed)
    return f"{len(accounts)} demo staff accounts"
