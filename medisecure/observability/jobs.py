"""Management commands the schedule runs (deploy/aws/template.yaml): each run
is a JobRuns metric, and a run that fails (any exception, a CommandError
too) a JobFailures metric, by the job's name; the stack's alarm on
JobFailures tells the clinic's operators."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from medisecure.observability import metrics


class ScheduledCommand(BaseCommand):
    job_name = ""

    def execute(self, *args, **options):
        name = self.job_name or type(self).__module__.rsplit(".", 1)[-1]
        metrics.count(metrics.JOB_RUNS, Job=name)
        try:
            return super().execute(*args, **options)
        except BaseException:
            metrics.count(metrics.JOB_FAILURES, Job=name)
            raise
