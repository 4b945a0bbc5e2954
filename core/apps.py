from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Core"

    def ready(self):
        from django.apps import apps

        from core.schedules import schedules_ensure

        # Sent once per app with models after migrate and flush: once for django_q.
        post_migrate.connect(
            schedules_ensure, sender=apps.get_app_config("django_q"), dispatch_uid="schedules"
        )
