from django.urls import include, path, re_path
from django.views.i18n import set_language

from passage.accounts.views import home
from passage.api.api import api, unknown_route

urlpatterns = [
    path("", home, name="home"),
    path("accounts/", include("passage.accounts.urls")),
    path("cases/", include("passage.cases.urls")),
    path("intake/", include("passage.intake.urls")),
    path("screening/", include("passage.screening.urls")),
    path("vetting/", include("passage.vetting.urls")),
    path("planning/", include("passage.planning.urls")),
    path("audit/", include("passage.core.urls")),
    path("sealing/", include("passage.core.sealing.urls")),
    path("language/", set_language, name="set_language"),
    path("api/v1/", api.urls),
    re_path(r"^api/", unknown_route, name="api_unknown"),
    path("api-tokens/", include("passage.api.urls")),
    path("exports/", include("passage.exports.urls")),
    path("figures/", include("passage.reports.urls")),
    path("public/", include("passage.public.urls")),
    path("public-inbox/", include("passage.public.staff_urls")),
    path("aftercare/", include("passage.aftercare.urls")),
    path("partners/", include("passage.partners.urls")),
]
