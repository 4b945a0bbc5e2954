"""The baseline page for bench/ scripts, served only with BENCH_VIEWS=1 (in demo mode).

A bare Django view: one query for 20 rows, a plain template, the same middleware as
every page. What a page costs beyond this is what its own queries and template cost.
"""

from django.views.generic import TemplateView

from accounts.models import Organisation


class BenchRowsView(TemplateView):
    template_name = "core/bench_rows.html"

    def get_context_data(self, **kwargs):
        rows = Organisation.objects.order_by("pk")[:20]
        return super().get_context_data(rows=rows, **kwargs)
