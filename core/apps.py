from django.apps import AppConfig
from django.core.signals import request_finished
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Core"

    def ready(self):
        from django.apps import apps
        from django_q.signals import post_execute_in_worker

        from core.pagecache import renew_after_work, watch_writes
        from core.schedules import schedules_ensure

        connection_created.connect(watch_writes, dispatch_uid="page-cache-writes")
        request_finished.connect(renew_after_work, dispatch_uid="page-cache-request")
        post_execute_in_worker.connect(renew_after_work, dispatch_uid="page-cache-task")

        # Sent once per app with models after migrate and flush: once for django_q.
        post_migrate.connect(
            schedules_ensure, sender=apps.get_app_config("django_q"), dispatch_uid="schedules"
        )
