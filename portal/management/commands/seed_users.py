import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from medisecure.identity.roles import Role
from medisecure.passwords import generate_password
from portal import seeding


class Command(BaseCommand):
    help = (
        "Create the demo accounts (admin, doctor, patient, marketer @medisecure.test) "
        "or, with --email and --role, one user. Running it again changes nothing that exists."
    )

    def add_arguments(self, parser):
        parser.add_argument("--email", help="Seed one user with this email instead of the demo accounts.")
        parser.add_argument("--role", choices=[role.value for role in Role])
        parser.add_argument("--given-name", default="")
        parser.add_argument("--family-name", default="")
        parser.add_argument("--date-of-birth", default="", help="YYYY-MM-DD, for a patient.")
        parser.add_argument("--specialty", default="", help="For a doctor.")
        parser.add_argument("--password", help="Permanent password (default: DEMO_PASSWORD, else generated).")
        parser.add_argument(
            "--invite",
            action="store_true",
            help="Let Cognito email a temporary password instead of setting one (for real users).",
        )

    def handle(self, *args, **options):
        if settings.IS_PRODUCTION and not options["email"]:
            # The demo cast has well-known addresses; in production it would
            # be a set of back doors.
            raise CommandError(
                "Refusing to create the demo accounts in production. "
                "Seed one real user with --email, --role and --invite."
            )
        password = options["password"] or os.environ.get("DEMO_PASSWORD") or None
        generated = None
        if password is None and not options["invite"]:
            password = generated = generate_password()
        try:
            if options["email"]:
                results = [self._seed_one(options, password)]
            else:
                results = seeding.demo_cast_seed(password=password)
        except seeding.PasswordRefused as refused:
            raise CommandError(f"The password does not meet the user pool's policy: {refused}") from refused
        for result in results:
            state = "created" if result.created else "already there (left unchanged)"
            self.stdout.write(f"{result.role.value:9} {result.email:28} {state}")
        if generated and any(result.created for result in results) and settings.IS_PRODUCTION:
            # Never on a production console (its output is kept in the logs).
            self.stdout.write(
                "A random password was set and not shown. Use --invite so the person chooses their own."
            )
        elif generated and any(result.created for result in results):
            self.stdout.write(f"Password for the accounts created now: {generated}")
            self.stdout.write("It is shown only this once. Set DEMO_PASSWORD to choose it yourself.")

    def _seed_one(self, options, password):
        if not options["role"]:
            raise CommandError("--role is required with --email.")
        person = seeding.SeedPerson(
            email=options["email"].strip().lower(),
            role=Role(options["role"]),
            given_name=options["given_name"],
            family_name=options["family_name"],
            date_of_birth=options["date_of_birth"],
            specialty=options["specialty"],
        )
        return seeding.user_seed(person=person, password=password, invite=options["invite"])
