import factory

from accounts.tests.factories import UserFactory
from audit.models import SystemAuditLog, UserActivityLog


class UserActivityLogFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = UserActivityLog

    user = factory.SubFactory(UserFactory)
    action = UserActivityLog.Action.LOGIN
    ip = "203.0.113.7"
    user_agent = "TestAgent/1.0"
    metadata = factory.LazyFunction(dict)


class SystemAuditLogFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SystemAuditLog

    actor = None
    actor_repr = "manage.py seed"
    source = SystemAuditLog.Source.COMMAND
    action = SystemAuditLog.Action.COMMAND
    summary = factory.LazyFunction(lambda: {"created": 1})
