"""Close the waitlist holds whose 15 minutes ran out and offer each slot to
the next patient waiting. Run every few minutes (a scheduled task)."""

from django.core.management.base import BaseCommand

from appointments.waitlist.services import waitlist_holds_expire


class Command(BaseCommand):
    help = "Pass expired waitlist holds to the next patient waiting."

    def handle(self, *args, **options):
        closed = waitlist_holds_expire()
        self.stdout.write(f"{closed} expired holds passed on")
