"""Cases in vetting, with a second coordinator in the North cell to approve what others did."""

from passage.accounts.roles import Role
from passage.cases.lifecycle import Stage
from passage.vetting import actions
from passage.vetting.models import ChecklistTemplate
from tests.conftest import make_case, make_user


def vetting_case(people, cell, **data):
    return make_case(people["coordinator"], cell=cell, stage=Stage.VETTING, **data)


def second_coordinator(cells, name="coordinator-b"):
    return make_user(name, Role.COORDINATOR, cells=[cells["north"]])


def default_template():
    return ChecklistTemplate.objects.get(is_default=True)


def with_checklist(people, case):
    actions.start_checklist(people["vetter"], case, default_template())
    return case


def pending_clearance(people, case, kind="clear", **extra):
    return actions.recommend(people["vetter"], case, kind=kind, **extra)


def make_item(people, cell):
    case = vetting_case(people, cell)
    vetter = people["vetter"] if cell.name == "North" else people["outsider_vetter"]
    actions.start_checklist(vetter, case, default_template())
    return case.checklist.first()


def make_decision(people, cell):
    case = vetting_case(people, cell)
    vetter = people["vetter"] if cell.name == "North" else people["outsider_vetter"]
    return actions.recommend(vetter, case, kind="clear")


def post_refused(client, url, cases):
    """Each (data, message) posted to `url` is refused with a 400 page that says the message."""
    for data, message in cases:
        response = client.post(url, data)
        assert response.status_code == 400, data
        assert message in response.content.decode(), data
