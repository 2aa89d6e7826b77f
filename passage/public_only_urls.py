"""The URLs of a process that serves only the public intake form (`passage serve --public-only`
or PASSAGE_PUBLIC_ONLY=true): a flood of the form then takes that process's threads and Argon2
slots, not the staff pages'. Everything else is 404 here. docs/deployment in README.md."""

from django.urls import include, path

handler404 = "passage.public.views.not_found"
urlpatterns = [
    path("public/", include("passage.public.urls")),
]
