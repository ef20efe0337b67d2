from django.conf import settings

from medisecure.emergency_banner import live_emergency_access


def portal(request):
    user = getattr(request, "user", None)
    return {
        "clinic_name": settings.CLINIC_NAME,
        "clinic_phone": settings.CLINIC_PHONE,
        "role": getattr(user, "role", "") if user is not None and user.is_authenticated else "",
        "request_id": getattr(request, "request_id", ""),
        "emergency_access": live_emergency_access(request),
    }
