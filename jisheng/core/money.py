"""Money is Decimal yuan (元), rounded in one place.

Amounts are stored as ``DecimalField(max_digits=14, decimal_places=2)``. Never use float for money.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
MAX_DIGITS = 14
DECIMAL_PLACES = 2


def yuan(value: Decimal | int | str) -> Decimal:
    """Return ``value`` as yuan rounded half-up to the fen (0.01).

    Raises:
        ValueError: ``value`` is a float (binary floats cannot hold money exactly) or not a number.
    """
    if isinstance(value, float):
        raise ValueError("money must not be a float; pass a Decimal, int or str")
    try:
        return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)
    except InvalidOperation as exc:
        raise ValueError(f"not an amount of money: {value!r}") from exc


def format_yuan(value: Decimal) -> str:
    """Format yuan for display: ``¥1,234.50``."""
    return f"¥{yuan(value):,.2f}"
