from django.apps import AppConfig


class DisclosureConfig(AppConfig):
    name = "zhenggai.disclosure"
    verbose_name = "公开"
