from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm

from .models import Membership, Unit
from .throttle import ThrottleMessage


class ThrottledAdminLoginForm(ThrottleMessage, AdminAuthenticationForm):
    """The admin's log-in passes the same throttle (the backend); this says how long to wait."""


admin.site.login_form = ThrottledAdminLoginForm


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ["user"]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "full_name", "parent", "phone"]
    search_fields = ["name", "full_name"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "unit", "role", "covers_subunits"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__first_name", "unit__name"]
