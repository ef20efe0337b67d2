from django.apps import AppConfig


class MedisecureConfig(AppConfig):
    default = True
    name = "medisecure"
    verbose_name = "Portal"
