import os

from django.core.management.base import BaseCommand, CommandError

from medisecure.passwords import generate_password
from portal.demo.clinic import CastMissing
from portal.demo.guard import DemoRefused
from portal.demo.run import demo_seed


class Command(BaseCommand):
    help = (
        "Fill the local stack with a small clinic in use: doctors with hours, patients, past visits, "
        "documents, appointments, applications. Run after seed_users; refuses outside the local stack; "
        "running it again adds nothing."
    )

    def handle(self, *args, **options):
        # The new people sign in with the demo accounts' password, so any of
        # them can be tried; without one, theirs is random and unseen.
        password = os.environ.get("DEMO_PASSWORD") or generate_password()
        try:
            demo_seed(password=password, report=self._report)
        except DemoRefused as refused:
            raise CommandError(str(refused)) from refused
        except CastMissing as missing:
            raise CommandError(f"No account for {missing}: run `manage.py seed_users` first.") from missing

    def _report(self, outcome):
        timing = f" ({outcome.seconds:.1f} s)" if outcome.ran else ""
        self.stdout.write(f"demo {outcome.name:13} {outcome.summary}{timing}")
