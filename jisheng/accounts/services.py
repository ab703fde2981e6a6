"""Writes on staff accounts."""

from __future__ import annotations

from django.db import transaction

from jisheng.core.errors import InvalidInput, NotPermitted
from jisheng.core.models import Area

from .models import User
from .roles import Role


@transaction.atomic
def staff_create(
    *,
    username: str,
    password: str | None,
    role: str,
    area: Area,
    display_name: str = "",
    actor: User | None,
    is_demo: bool = False,
) -> User:
    """Create a staff account with ``role`` scoped to ``area``.

    ``actor`` is the administrator creating it (None only for set-up commands).

    Raises:
        InvalidInput: unknown role or a username already taken.
        NotPermitted: ``actor`` may not manage accounts.
    """
    if actor is not None and not actor.has_capability("accounts.manage"):
        raise NotPermitted("只有管理员可以创建账号")
    if role not in Role.values:
        raise InvalidInput(f"未知角色 {role!r}", location="role")
    if User.objects.filter(username=username).exists():
        raise InvalidInput(f"用户名 {username} 已存在", location="username")
    user = User(username=username, role=role, area=area, display_name=display_name, is_demo=is_demo)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    return user
