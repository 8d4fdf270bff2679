from django.apps import AppConfig


class ImportsConfig(AppConfig):
    """Score and criteria sheets: reading them, importing them with a preview, writing the score sheet."""

    name = "imports"
