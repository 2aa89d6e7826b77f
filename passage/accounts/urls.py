from django.urls import path

from passage.accounts import views

app_name = "accounts"
urlpatterns = [
    path("setup/", views.setup, name="setup"),
    path("sign-in/", views.sign_in, name="login"),
    path("sign-in/authenticator/", views.enroll, name="enroll"),
    path("sign-out/", views.sign_out, name="logout"),
    path("users/", views.users, name="users"),
    path("users/new/", views.user_new, name="user_new"),
    path("users/<int:user_id>/", views.user_edit, name="user_edit"),
    path("users/<int:user_id>/reset-two-factor/", views.user_reset_totp, name="user_reset_totp"),
    path("cells/", views.cells, name="cells"),
    path("cells/new/", views.cell_edit, name="cell_new"),
    path("cells/<int:cell_id>/", views.cell_edit, name="cell_edit"),
]
