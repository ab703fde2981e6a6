"""``jisheng api-token`` as contract §7 spells it (Django names a command after its module; see ``api_token``)."""

from .api_token import Command

__all__ = ["Command"]
