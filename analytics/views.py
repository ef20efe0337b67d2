"""The dashboard of de-identified counts, for the marketer and the admins,
and each chart's CSV."""

import csv

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from analytics import selectors
from analytics.forms import DateRangeForm
from medisecure.identity.access import role_required
from medisecure.identity.roles import Role


def _span(form: DateRangeForm) -> selectors.DateRange:
    return selectors.date_range(form.cleaned_data.get("start"), form.cleaned_data.get("end"))


@role_required(Role.MARKETER, Role.ADMIN)
@require_GET
def dashboard(request):
    form = DateRangeForm(request.GET or None)
    charts, span = [], None
    if not form.is_bound or form.is_valid():
        span = selectors.date_range() if not form.is_bound else _span(form)
        charts = selectors.dashboard_get(actor=request.actor, audit=request.audit, span=span)
    return render(
        request,
        "analytics/dashboard.html",
        {"form": form, "charts": charts, "span": span, "query": request.GET.urlencode()},
    )


@role_required(Role.MARKETER, Role.ADMIN)
@require_GET
def chart_csv(request, chart):
    form = DateRangeForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        raise Http404("no such range")
    span = _span(form) if form.is_bound else selectors.date_range()
    built = selectors.chart_get(actor=request.actor, audit=request.audit, span=span, metric=chart)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{chart}-{span.first_week}-{span.last_week}.csv"'
    csv.writer(response).writerows(built.csv_rows)
    return response
