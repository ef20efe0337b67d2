# The user pool signs in by email and names each user by their sub, which is
# the account's username already: the first address kept here is not needed.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("medisecure", "0002_sessions_by_user_and_pool_username"),
    ]

    operations = [
        migrations.RemoveField(model_name="user", name="cognito_username"),
    ]
