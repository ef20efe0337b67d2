"""The JSON log format (python-json-logger): every line one JSON object
with its time, level, logger, message and request id; a line carrying EMF
metrics (`extra={"emf": ...}`) has the EMF members at its top level, where
CloudWatch looks for them."""

from __future__ import annotations

from pythonjsonlogger.json import JsonFormatter


class PortalJsonFormatter(JsonFormatter):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("rename_fields", {"levelname": "level", "name": "logger"})
        # UTC, ISO 8601: the one form CloudWatch, X-Ray and people agree on.
        kwargs.setdefault("timestamp", "time")
        super().__init__("%(levelname)s %(name)s %(message)s %(request_id)s", *args, **kwargs)

    def add_fields(self, log_record, record, message_dict) -> None:
        super().add_fields(log_record, record, message_dict)
        document = log_record.pop("emf", None)
        if document:
            log_record.update(document)


class NoPathsFilter:
    """Django's request loggers name the path ("Not Found: /patients/<id>/")
    and attach the request itself, whose text is the path too: both would
    put a patient's id in the log. The message keeps its first words and
    the route's name; the request object is dropped."""

    def filter(self, record) -> bool:
        request = record.__dict__.pop("request", None)
        if request is not None or record.name.startswith("django.request"):
            from medisecure.observability.requests import route_name

            # Django's form is "%s: %s" % (reason, path): keep the reason.
            args = record.args if isinstance(record.args, tuple) else ()
            reason = str(args[0]) if args else str(record.msg).split(":", 1)[0]
            record.msg = "%s (route %s)"
            record.args = (reason, route_name(request) if request is not None else "unknown")
            if request is not None and getattr(request, "request_id", None):
                record.request_id = request.request_id
        return True
