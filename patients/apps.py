from django.apps import AppConfig


class PatientsConfig(AppConfig):
    name = "patients"

    def ready(self) -> None:
        from patients import sign_in  # noqa: F401  connects the sign-in receiver
