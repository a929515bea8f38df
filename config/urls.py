from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("guide.urls")),
]

# A database outage met outside a view is answered with the 503 page, not the 500 one.
handler500 = "guide.platform.outages.server_error"
