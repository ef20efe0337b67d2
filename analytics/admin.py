"""The dashboard in the Django admin, as Compliance → Analytics, with how
far behind its streams the projector is. PortalAdminSite lets only admins
in; the read is audited by analytics.selectors like the marketer's."""

from __future__ import annotations

from django.contrib import admin
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET

from analytics import selectors
from medisecure.admin_sections import RecordSection

DASHBOARD = "analytics_dashboard"


@require_GET
def analytics_dashboard(request):
    span = selectors.date_range()
    charts = selectors.dashboard_get(actor=request.actor, audit=request.audit, span=span)
    context = {
        **admin.site.each_context(request),
        "title": "Analytics",
        "charts": charts,
        "span": span,
        "lags": selectors.projector_lag_list(),
        "query": "",
    }
    return render(request, "admin/analytics/dashboard.html", context)


def urls(site):
    return [path("analytics/", site.admin_view(analytics_dashboard), name=DASHBOARD)]


admin.site.register_section(
    RecordSection(
        app_label="compliance",
        app_name="Compliance",
        name="Analytics",
        object_name="Analytics",
        list_url_name=DASHBOARD,
        urls=urls,
    )
)
