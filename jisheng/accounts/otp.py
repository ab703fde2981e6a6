"""The second factor remembered in the session, so that a signed-in request does not read the device table.

django_otp keeps the persistent id of the device that verified the session (``otp_device_id``) and, on every
request, reads that device back to check that it still exists, is confirmed and belongs to the user. Here the
session also keeps the outcome of that check, stamped with the account's ``otp_generation``:

    session[SESSION_KEY] = [generation, device persistent id or None, has a confirmed TOTP device]

``User.otp_generation`` is bumped (an ``F()`` update, in the same transaction) whenever any second-factor device
of the account is saved or deleted — an administrator deleting or unconfirming a device, a new enrolment, a
token check. The user row is read on every signed-in request anyway, so a request whose session stamp matches
the account's generation trusts the stamp and reads no device; any other request (a device changed since, a
session from before this module, a new ``otp_device_id``) checks the device table once, exactly as django_otp
does, and stamps the session again. A revocation therefore takes effect on the very next request.

Devices must be changed through ``save()``/``delete()`` (a model or queryset ``delete()`` both send the signals);
a queryset ``update()`` of a device bypasses the signals and is not used for that.
"""

from __future__ import annotations

from typing import Any

from django.db.models import F, Model
from django.db.models.signals import post_delete, post_save, pre_save
from django.http import HttpRequest
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp import login as otp_login
from django_otp.models import Device

#: Session key of the remembered check: ``[generation, persistent id or None, has a confirmed TOTP device]``.
SESSION_KEY = "jisheng_otp"


def bump_generation(user_id: int | None) -> None:
    """Invalidate every session's remembered second-factor check of account ``user_id`` (None: nothing)."""
    if user_id is None:
        return
    from .models import User

    User.objects.filter(pk=user_id).update(otp_generation=F("otp_generation") + 1)


def remembered(request: HttpRequest, user: Any) -> tuple[str | None, bool] | None:
    """Return the session's remembered ``(verified device id or None, has a confirmed TOTP device)`` for the
    signed-in ``user``, or None when there is none or it no longer holds (the account's devices changed since,
    or the session names another device than the one remembered)."""
    state = request.session.get(SESSION_KEY)
    if not (isinstance(state, list) and len(state) == 3):
        return None
    generation, device_id, has_device = state
    if generation != user.otp_generation or device_id != request.session.get(DEVICE_ID_SESSION_KEY):
        return None
    return device_id, bool(has_device)


def remember(request: HttpRequest, generation: int, device_id: str | None, has_device: bool) -> None:
    """Stamp the session with the outcome of a second-factor check made at ``generation`` (read before the
    devices were)."""
    state = [generation, device_id, has_device]
    if request.session.get(SESSION_KEY) != state:
        request.session[SESSION_KEY] = state


def has_confirmed_device(user: Any) -> bool:
    """Whether ``user`` has enrolled and confirmed a TOTP authenticator (one query)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return bool(TOTPDevice.objects.filter(user=user, confirmed=True).exists())


def login_device(request: HttpRequest, device: Device) -> None:
    """Mark the session verified by ``device`` (django_otp's ``login``) and remember it, so the next requests read
    no device. Call after the device's token was checked (which saved the device and bumped the generation). The
    check is remembered only if the device still exists, confirmed and the account's, once the generation is read:
    otherwise the next request checks the device table as django_otp does."""
    from .models import User

    otp_login(request, device)
    if request.session.get(DEVICE_ID_SESSION_KEY) == device.persistent_id:
        generation = User.objects.filter(pk=device.user_id).values_list("otp_generation", flat=True).get()
        # The device is read again after the generation: a revocation that landed since the code was checked fails
        # this read, and one landing after it bumps the generation past the stamp, so neither is remembered.
        still_valid = type(device)._default_manager.filter(pk=device.pk, user_id=device.user_id,
                                                           confirmed=True).exists()
        if still_valid:
            remember(request, generation, device.persistent_id, True)


def _device_before_save(sender: type[Model], instance: Any, **kwargs: Any) -> None:
    # A device given to another account leaves its former owner: that owner's sessions must check again.
    if instance.pk is not None and not instance._state.adding and not kwargs.get("raw"):
        instance._jisheng_previous_user_id = (
            sender._default_manager.filter(pk=instance.pk).values_list("user_id", flat=True).first())


def _device_saved(sender: type[Model], instance: Any, **kwargs: Any) -> None:
    previous = getattr(instance, "_jisheng_previous_user_id", None)
    if previous is not None and previous != instance.user_id:
        bump_generation(previous)
    bump_generation(instance.user_id)


def _device_deleted(sender: type[Model], instance: Any, **kwargs: Any) -> None:
    bump_generation(instance.user_id)


def _signed_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    # A password sign-in remembers that the session is not verified yet and whether the account has an
    # authenticator, so the first page after it reads no device either (the sign-in saves the session anyway).
    if request is not None and hasattr(request, "session") and DEVICE_ID_SESSION_KEY not in request.session:
        remember(request, user.otp_generation, None, has_confirmed_device(user))


def connect_signals() -> None:
    """Bump the owner's generation whenever a device of any installed django_otp plugin is saved or deleted, and
    remember the second-factor state of a session at sign-in.

    The device signals are connected per device model (not for every sender), so that other models keep Django's
    fast bulk delete.
    """
    from django.apps import apps
    from django.contrib.auth.signals import user_logged_in

    user_logged_in.connect(_signed_in, dispatch_uid="jisheng-otp-signed-in")

    for model in apps.get_models():
        if issubclass(model, Device):
            uid = f"jisheng-otp-generation-{model._meta.label_lower}"
            pre_save.connect(_device_before_save, sender=model, dispatch_uid=uid)
            post_save.connect(_device_saved, sender=model, dispatch_uid=uid)
            post_delete.connect(_device_deleted, sender=model, dispatch_uid=uid)
