"""Admin: referral settings per service only. Referrals themselves are not in the admin: their pages log every
read, and the admin would not."""

from django.contrib import admin

from .models import ReferralSettings


@admin.register(ReferralSettings)
class ReferralSettingsAdmin(admin.ModelAdmin):
    list_display = ("service", "accepts_referrals", "accepts_self_referrals", "response_working_days")
    list_filter = ("accepts_referrals", "accepts_self_referrals")
    search_fields = ("service__name", "service__organization__name")
    raw_id_fields = ("service",)
