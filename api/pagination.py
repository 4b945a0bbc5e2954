from rest_framework.pagination import PageNumberPagination


class PagePagination(PageNumberPagination):
    """Numbered pages: `?page=2`, and `?page_size=` up to 100."""

    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100
