from django.urls import path

from passage.partners import views

app_name = "partners"
urlpatterns = [
    path("", views.partner_list, name="list"),
]
