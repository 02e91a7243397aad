"""Authentication backends: Django's and allauth's, with the signed-in user read from the cache.

Every signed-in request loads its user by primary key (django.contrib.auth.get_user → backend.get_user), after the
session (itself read from the cache: SESSION_ENGINE cached_db). The user row is kept in the cache too, under
`signin-user:{id}`, so a signed-in request reaches the view with two cache reads and no database query. It is
dropped whenever the row is saved or deleted (`user_cache_forget`, connected to the User model's post_save and
post_delete in accounts.apps): a profile change, a password change (which signs the other sessions out through
the session hash), a deactivation or a deletion is seen on the very next request, whichever code path made it
(the API, allauth's flows, the admin, a command). A bulk_update sends no signal: its writer calls
`users_cache_forget` (the reminder run moving `next_reminder_at`). Logging out deletes the session, which is still
read on every request, so a signed-out token is refused at once.

A miss reads the row in plain SQL (building that ORM query cost more than running it: 0.55 ms against 0.36 ms),
stores it, and reads it again: a write that committed between the first read and the store, and whose
invalidation came before the store, would otherwise leave the old row cached. The answers are ModelBackend's: no
such user or an inactive account is no user; a malformed id, on which ModelBackend raises, is no user too.
"""

from allauth.account import auth_backends as allauth_backends
from django.conf import settings
from django.contrib.auth import backends, get_user_model
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection, transaction


def _cache_key(pk) -> str:
    return f"signin-user:{pk}"


def _user_row(pk):
    user_model = get_user_model()
    table = connection.ops.quote_name(user_model._meta.db_table)
    column = connection.ops.quote_name(user_model._meta.pk.column)
    rows = user_model._default_manager.raw(f"SELECT * FROM {table} WHERE {column} = %s", [pk])  # noqa: S608
    return next(iter(rows), None)


def _values(user) -> tuple:
    return tuple(getattr(user, field.attname) for field in user._meta.concrete_fields)


def user_cached(pk):
    """The user row by primary key, from the cache when it holds it (None when there is no such user)."""
    key = _cache_key(pk)
    user = cache.get(key)
    if user is not None:
        return user
    user = _user_row(pk)
    if user is None:
        return None
    cache.set(key, user, settings.USER_CACHE_SECONDS)
    again = _user_row(pk)
    if again is None or _values(again) != _values(user):  # written meanwhile: keep nothing, serve the newer row
        cache.delete(key)
        return again
    return user


def user_cache_forget(sender=None, instance=None, **kwargs) -> None:
    """Drop a user's cached row now and once the writing transaction commits (until then another request could
    cache the row as it was). A post_save/post_delete receiver: the one place every write path goes through."""
    key = _cache_key(instance.pk)
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))


def users_cache_forget(*, pks) -> None:
    """`user_cache_forget` for rows written without save() (a bulk_update sends no post_save)."""
    keys = [_cache_key(pk) for pk in pks]
    cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys))


class UserByPrimaryKey:
    def get_user(self, user_id):
        try:
            pk = get_user_model()._meta.pk.to_python(user_id)
        except ValidationError:
            return None
        user = user_cached(pk)
        return user if user is not None and self.user_can_authenticate(user) else None


class ModelBackend(UserByPrimaryKey, backends.ModelBackend):
    pass


class AuthenticationBackend(UserByPrimaryKey, allauth_backends.AuthenticationBackend):
    pass
