from django.conf import settings


def portal(request):
    user = getattr(request, "user", None)
    return {
        "clinic_name": settings.CLINIC_NAME,
        "role": getattr(user, "role", "") if user is not None and user.is_authenticated else "",
        "request_id": getattr(request, "request_id", ""),
    }
