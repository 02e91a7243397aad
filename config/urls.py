from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from config import health

# The admin login goes through allauth's login, so it gets the same rate limits as learners'.
admin.site.login = secure_admin_login(admin.site.login)

handler400 = "config.exceptions.bad_request"
handler404 = "config.exceptions.page_not_found"
handler500 = "config.exceptions.server_error"
admin.site.site_header = "Lingo administration"
admin.site.site_title = "Lingo admin"

api_v1 = [
    path("", include("accounts.api.urls")),
    path("", include("courses.api.urls")),
    path("", include("exercises.api.urls")),
    path("", include("progress.api.urls")),
    path("", include("gamification.api.urls")),
    path("", include("audit.api.urls")),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("_allauth/", include("accounts.headless")),  # routes of allauth's that this service does not offer
    path("_allauth/", include("allauth.headless.urls")),
    path("api/v1/", include((api_v1, "api"), namespace="v1")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="schema"), name="api-redoc"),
    path("health/", health.health, name="health"),
    path("health/database", health.health_database, name="health-database"),
    path("health/system", health.SystemHealthView.as_view(), name="health-system"),
    path("health/floor", health.health_floor, name="health-floor"),
]

# `make run` (DEBUG) serves uploaded media from MEDIA_ROOT itself; static() adds nothing without DEBUG. In
# production media URLs point at the S3 bucket (or its custom domain), or the web server serves MEDIA_ROOT.
urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
