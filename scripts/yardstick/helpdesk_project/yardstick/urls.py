"""django-helpdesk at the root, its REST API under /api/ (its own URL conf)."""

from django.urls import include, path

urlpatterns = [
    path("", include("helpdesk.urls", namespace="helpdesk")),
]
