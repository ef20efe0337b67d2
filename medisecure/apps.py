from django.apps import AppConfig


class MedisecureConfig(AppConfig):
    name = "medisecure"
    verbose_name = "Portal"
