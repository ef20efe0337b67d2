import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medisecure.settings")

# Before the application is built: the Django instrumentation adds its
# middleware to settings.MIDDLEWARE, which the handler reads once.
from medisecure.observability import tracing  # noqa: E402

tracing.configure()
application = get_wsgi_application()
