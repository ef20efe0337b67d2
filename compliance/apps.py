from django.apps import AppConfig


class ComplianceConfig(AppConfig):
    """The admin's pages over the audit trail: search, one event, the CSV
    export and verification. The trail itself, and its commands, are audit's."""

    name = "compliance"
    verbose_name = "Compliance"
