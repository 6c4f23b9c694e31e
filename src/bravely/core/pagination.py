from django.conf import settings
from django.core.paginator import Paginator


def paginate(request, queryset, per_page: int | None = None):
    """A page of the queryset; out-of-range or malformed page numbers fall back to a real page."""
    paginator = Paginator(queryset, per_page or settings.BRAVELY_PAGE_SIZE)
    return paginator.get_page(request.GET.get("page"))
