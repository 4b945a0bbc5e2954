from django.apps import AppConfig


class CertificatesConfig(AppConfig):
    name = "certificates"
    verbose_name = "Certificates"

    def ready(self):
        from django_q.signals import post_spawn

        from .tasks import worker_ready

        post_spawn.connect(worker_ready, dispatch_uid="certificates-worker-ready")
