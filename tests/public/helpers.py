"""Submissions through the public form, and cases opened from them."""

import time

from passage.public import actions, tokens
from passage.public.models import Submission


def public_submission(**data) -> Submission:
    message = {"message": "I want to leave.", "names": ["Kyaw Htoo"], "urgency": 2, **data}
    actions.submit_first(message, token=tokens.issue(time.time() - 30), language="my")
    return Submission.objects.order_by("source__created_on").last()


def public_case(people, cell):
    item = public_submission()
    case = actions.log_submission(people["coordinator"], item)
    case.cell = cell
    case.save(update_fields=["cell"])
    return case
