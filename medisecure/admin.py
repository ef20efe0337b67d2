from django.contrib import admin
from django.contrib.auth.models import Group

# Roles are Cognito groups, managed in Cognito; Django's own groups are unused.
# People (medisecure.User) are registered by accounts.people.admin.
admin.site.unregister(Group)
