"""Receivers that feed allauth's and Django's authentication events into the learner activity log.

Authentication happens inside allauth's flows, so its signals are the only place to see it; the
receivers only append an audit row (no business logic). Each event is written once: successful
logins come from allauth's `user_logged_in` (Django's signal of the same name also fires, and also
for Client.force_login, so it is not used), logouts and failed logins from Django's signals, which
allauth reuses.
"""

from __future__ import annotations

from allauth.account import signals as account_signals
from allauth.account.authentication import get_authentication_records
from django.contrib.auth import get_user_model
from django.contrib.auth import signals as auth_signals
from django.dispatch import receiver

from audit.models import UserActivityLog
from audit.services import activity_record


def _method(request, user, kwargs) -> dict:
    """How the user authenticated: allauth's record of this session's last step (no email kept)."""
    sociallogin = kwargs.get("sociallogin")
    if sociallogin is not None:
        return {"method": "socialaccount", "provider": sociallogin.account.provider}
    records = get_authentication_records(request, user) if request is not None else []
    if records:
        return {"method": records[-1].get("method", "")}
    return {}


@receiver(account_signals.user_signed_up, dispatch_uid="audit_user_signed_up")
def record_sign_up(sender, request, user, **kwargs):
    # allauth keeps no authentication record for a sign-up; without a social login it is a password one.
    metadata = _method(request, user, kwargs) if kwargs.get("sociallogin") else {"method": "password"}
    activity_record(user=user, action=UserActivityLog.Action.SIGNUP, request=request, metadata=metadata)


@receiver(account_signals.user_logged_in, dispatch_uid="audit_user_logged_in")
def record_login(sender, request, user, **kwargs):
    activity_record(
        user=user, action=UserActivityLog.Action.LOGIN, request=request, metadata=_method(request, user, kwargs)
    )


@receiver(auth_signals.user_login_failed, dispatch_uid="audit_user_login_failed")
def record_login_failed(sender, credentials, request=None, **kwargs):
    # The attempted address is kept only as the account it names: no email of a non-member is stored.
    login = credentials.get("email") or credentials.get("username") or ""
    user = get_user_model()._default_manager.filter(email__iexact=login).first() if login else None
    activity_record(
        user=user,
        action=UserActivityLog.Action.LOGIN_FAILED,
        request=request,
        metadata={"known_account": user is not None},
    )


@receiver(auth_signals.user_logged_out, dispatch_uid="audit_user_logged_out")
def record_logout(sender, request, user, **kwargs):
    if user is not None:
        activity_record(user=user, action=UserActivityLog.Action.LOGOUT, request=request)


@receiver(account_signals.password_changed, dispatch_uid="audit_password_changed")
def record_password_changed(sender, request, user, **kwargs):
    activity_record(
        user=user, action=UserActivityLog.Action.PASSWORD_CHANGE, request=request, metadata={"via": "change"}
    )


@receiver(account_signals.password_set, dispatch_uid="audit_password_set")
def record_password_set(sender, request, user, **kwargs):
    activity_record(user=user, action=UserActivityLog.Action.PASSWORD_CHANGE, request=request, metadata={"via": "set"})


@receiver(account_signals.password_reset, dispatch_uid="audit_password_reset")
def record_password_reset(sender, request, user, **kwargs):
    activity_record(
        user=user, action=UserActivityLog.Action.PASSWORD_CHANGE, request=request, metadata={"via": "reset"}
    )
