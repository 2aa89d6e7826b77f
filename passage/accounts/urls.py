from django.urls import path

from passage.accounts import views

app_name = "accounts"
urlpatterns = [
    path("setup/", views.setup, name="setup"),
    path("sign-in/", views.sign_in, name="login"),
    path("sign-in/code/", views.redeem, name="redeem"),
    path("sign-in/authenticator/", views.enroll, name="enroll"),
    path("sign-out/", views.sign_out, name="logout"),
    path("account/password/", views.password_change, name="password_change"),
    path("users/", views.users, name="users"),
    path("users/new/", views.user_new, name="user_new"),
    path("users/<int:user_id>/", views.user_edit, name="user_edit"),
    path("users/<int:user_id>/reset-two-factor/", views.user_reset_totp, name="user_reset_totp"),
    path(
        "users/<int:user_id>/reset-password/",
        views.user_reset_password,
        name="user_reset_password",
    ),
    path("users/requests/", views.account_requests, name="requests"),
    path("users/requests/<int:request_id>/approve/", views.request_approve, name="request_approve"),
    path("users/requests/<int:request_id>/decline/", views.request_decline, name="request_decline"),
    path("cells/", views.cells, name="cells"),
    path("cells/new/", views.cell_edit, name="cell_new"),
    path("cells/<int:cell_id>/", views.cell_edit, name="cell_edit"),
]
