"""The baseline page for bench/ scripts, served only with BENCH_VIEWS=1 (in demo mode).

A bare Django view: one query for 20 rows, a plain template, the same middleware as
every page. What a page costs beyond this is what its own queries and template cost.
The rows are content types, of which every database has the same few dozen, so the
baseline is the same 20 rows on the demo data and on the large generated dataset.
"""

from django.contrib.contenttypes.models import ContentType
from django.views.generic import TemplateView


class BenchRowsView(TemplateView):
    template_name = "core/bench_rows.html"

    def get_context_data(self, **kwargs):
        rows = ContentType.objects.order_by("pk")[:20]
        return super().get_context_data(rows=rows, **kwargs)
