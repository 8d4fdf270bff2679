from django.apps import AppConfig


class CommonConfig(AppConfig):
    """What every app uses: the read-only history admin; and the admin of third-party models that needs mending."""

    name = "common"
