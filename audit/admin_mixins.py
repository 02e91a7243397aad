"""Admin base class that records every add, change and delete in the system audit log.

Placeholder: the audit issue fills this in; content admins already inherit from it.
"""

from django.contrib import admin


class AuditedModelAdmin(admin.ModelAdmin):
    pass
