from django.apps import AppConfig


class OversightConfig(AppConfig):
    name = "zhenggai.oversight"
    verbose_name = "督导"
