from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "zhenggai.accounts"
    verbose_name = "单位与用户"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from .policy import on_login

        # The log-in decides once whether the password is due (policy.py).
        user_logged_in.connect(on_login, dispatch_uid="zhenggai.accounts.policy")
