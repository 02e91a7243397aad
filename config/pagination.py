"""Default API pagination: page numbers with a client-chosen page size up to a bound."""

from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 200
