"""What every app's actions share."""


class ActionError(Exception):
    """A rule said no; the message is for the user. Each app's own error (VettingError,
    PlanningError) is one of these, so one view helper (`passage.core.views.submit`) serves all."""
