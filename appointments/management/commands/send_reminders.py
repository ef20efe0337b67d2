from django.core.management.base import BaseCommand

from appointments.reminders import reminders_send


class Command(BaseCommand):
    help = (
        "Email every patient whose appointment starts within APPOINTMENT_REMINDER_HOURS a reminder, once: "
        "safe to run as often as you like, and with copies running at once. A reminder SES refuses is "
        "tried again by the next run."
    )

    def handle(self, *args, **options):
        run = reminders_send()
        self.stdout.write(
            f"{run.due} appointments due a reminder: {run.sent} sent now, {run.skipped} already sent or being sent, "
            f"{run.failed} not sent (tried again next run)."
        )
