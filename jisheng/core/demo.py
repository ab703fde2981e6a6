"""Demo villages and communities under each real town of the demo county (generated, marked is_demo)."""

from __future__ import annotations

import random
from typing import Any

from django.db import transaction

from .models import Area, AreaLevel

_VILLAGE_STEMS = [
    "新港", "东林", "南郊", "北漳", "长桥", "永乐", "金星", "红旗", "联丰", "胜利", "太丰", "石桥", "庙前",
    "沿江", "半泾", "杨漕", "三市", "电站", "新塘", "万丰", "岳王", "泥泾", "直塘", "归庄", "涂松", "六渡",
]
_COMMUNITY_STEMS = [
    "南园", "西门", "东仓", "朝阳", "向阳", "桃园", "弇山", "景瑞", "紫薇", "太平", "新华", "府南", "兴南",
    "龙湾", "学院", "海运", "滨河", "丽都", "中星", "银杏",
]


@transaction.atomic
def generate_villages(*, seed: int, county_code: str, per_town: int = 6) -> int:
    """Create ``per_town`` demo villages/communities under each town of ``county_code``; return how many exist.

    Codes follow the statistical convention (town code prefix + 3 digits; 001–199 communities,
    200–399 villages). Idempotent for a seed: existing codes are kept.
    """
    rng = random.Random(seed)
    towns = Area.objects.filter(parent__code=county_code, level=AreaLevel.TOWN).order_by("code")
    total = 0
    for town in towns:
        communities = per_town // 2 if town.kind == "街道" else per_town // 3
        names = rng.sample(_COMMUNITY_STEMS, communities) + rng.sample(_VILLAGE_STEMS, per_town - communities)
        for i, stem in enumerate(names):
            is_community = i < communities
            serial = (1 + i) if is_community else (200 + i - communities + 1)
            code = town.code[:9] + f"{serial:03d}"
            Area.objects.get_or_create(
                code=code,
                defaults={"name": stem + ("社区" if is_community else "村"), "kind": "社区" if is_community else "村",
                          "level": AreaLevel.VILLAGE, "parent": town, "is_demo": True,
                          "source": "generated for the demo (jisheng demo)"},
            )
            total += 1
    return total


def demo_step(*, seed: int, options: dict[str, Any], stdout: Any = None) -> str:
    from django.conf import settings

    n = generate_villages(seed=seed, county_code=str(settings.JISHENG["DEMO_COUNTY_CODE"]))
    return f"{n} demo villages and communities"
