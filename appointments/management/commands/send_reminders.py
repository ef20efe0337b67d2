from datetime import timedelta

from django.conf import settings
from django.core.management.base import CommandError

from appointments.reminders.services import appointment_reminders_send
from medisecure.identity.actors import NO_REQUEST, system_actor
from medisecure.observability.jobs import ScheduledCommand


class Command(ScheduledCommand):
    job_name = "send_reminders"
    help = (
        "Email a reminder to every patient whose appointment starts within --within-hours, once per "
        "appointment however often this runs, even two copies at once. Run it every hour."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--within-hours",
            type=int,
            default=settings.APPOINTMENT_REMINDER_HOURS,
            help=f"remind about appointments starting this soon (default {settings.APPOINTMENT_REMINDER_HOURS})",
        )

    def handle(self, *args, within_hours, **options):
        if within_hours <= 0:
            raise CommandError("--within-hours must be positive.")
        run = appointment_reminders_send(
            actor=system_actor("send_reminders"), audit=NO_REQUEST, within=timedelta(hours=within_hours)
        )
        self.stdout.write(
            f"Sent {run.sent} reminders; {run.already_sent} were already sent; {run.not_sent} could not be sent "
            "and will be tried on the next run."
        )
