"""django-axes, keeping only what lock-out needs: the username and a count.

Axes would also store each failed sign-in's browser (user agent, Accept header); a seized
database would then tell which devices tried which accounts. Lock-out goes by username alone
(AXES_LOCKOUT_PARAMETERS), so those are blanked before the attempt is written; the address is
coarsened to its network by AXES_CLIENT_IP_CALLABLE (passage.core.audit.lockout_address).
"""

from axes.handlers.database import AxesDatabaseHandler


class LockoutHandler(AxesDatabaseHandler):
    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        if request is not None:
            request.axes_user_agent = ""
            request.axes_http_accept = ""
        return super().user_login_failed(sender, credentials, request, **kwargs)
