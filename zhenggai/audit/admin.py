from django.contrib import admin

from .models import Event


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    """Read-only: the audit log is appended by services, never edited by hand."""

    list_display = ["seq", "at", "actor", "act", "object_type", "object_id"]
    list_filter = ["act"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
