from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from medisecure import bootstrap


class Command(BaseCommand):
    help = (
        "Create whatever MediSecure needs in AWS (or the local stack) and is missing: "
        "tables and indexes, the user pool with its groups and app client, the "
        "documents bucket, the SES identity and configuration set. Existing "
        "resources are left alone."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--write-env",
            metavar="PATH",
            help="Write the user pool id, app client id and secret to PATH as KEY=value "
            "lines (the local stack writes .local/stack.env by default).",
        )

    def handle(self, *args, write_env=None, **options):
        for line in bootstrap.ensure_tables():
            self.stdout.write(line)
        ids, lines = bootstrap.ensure_user_pool()
        for line in lines:
            self.stdout.write(line)
        self.stdout.write(bootstrap.ensure_bucket())
        self.stdout.write(bootstrap.ensure_archive_bucket())
        for line in bootstrap.ensure_email():
            self.stdout.write(line)
        target = write_env or (None if settings.IS_PRODUCTION else settings.LOCAL_STACK_ENV_FILE)
        if target:
            _write_env_file(Path(target), ids)
            self.stdout.write(f"wrote the user pool's ids to {target}")
        else:
            self.stdout.write(
                f"COGNITO_USER_POOL_ID={ids.user_pool_id}\nCOGNITO_APP_CLIENT_ID={ids.client_id}\n"
                "Store the app client's secret (DescribeUserPoolClient) in Secrets Manager as "
                "COGNITO_APP_CLIENT_SECRET; it is not printed."
            )
        self.stdout.write(self.style.SUCCESS("bootstrap complete"))


def _write_env_file(path: Path, ids: bootstrap.PoolIds) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        f"COGNITO_USER_POOL_ID={ids.user_pool_id}\n"
        f"COGNITO_APP_CLIENT_ID={ids.client_id}\n"
        f"COGNITO_APP_CLIENT_SECRET={ids.client_secret}\n"
    )
    path.chmod(0o600)
