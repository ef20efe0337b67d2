"""Paths as the logs may name them: the route's pattern, never the ids in
it. An address holds patient ids, entry ids, application references, a
sign-up's finish-link secret; the access log (gunicorn) names
"/doctor/patients/<str:patient_id>/" instead, and "<unrouted>" for an
address no route matches (it may be anything a client typed). Django's
"Not Found" warnings name the route's name instead
(medisecure/observability/logs.py NoPathsFilter)."""

from __future__ import annotations

from django.urls import Resolver404, resolve

UNROUTED = "<unrouted>"


def path_for_log(path: str) -> str:
    try:
        match = resolve(path)
    except Resolver404:
        return UNROUTED
    except Exception:  # a path that cannot even be resolved names nothing either
        return UNROUTED
    return "/" + match.route if match.route is not None else UNROUTED
