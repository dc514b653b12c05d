"""The team deployment with a real JupyterHub (issue 27 §2, §4): the workbench service takes
the person from the hub token, whatever the caller's side says, and the store's permissions
still decide what that person may do."""
from __future__ import annotations

import httpx
import pytest

from audit_widgets.domain import Answer
from audit_widgets.errors import PermissionDenied
from audit_widgets.store.repository import Workbench
from audit_widgets.team.client import ServiceWorkbench

from .conftest import staff_audit, store_with_consumer
from .hub import Hub

pytestmark = pytest.mark.notebooks  # a hub, its proxy and the service: the slow leg

ITEM = "E01"


@pytest.fixture(scope="module")
def team(tmp_path_factory, scheme):
    """A store with demo-consumer's audit led by A02, served by the workbench service of a hub."""
    folder = tmp_path_factory.mktemp("team")
    url = f"sqlite:///{folder / 'store.sqlite'}"
    store_with_consumer(url, scheme)
    audit = staff_audit(url, scheme, "demo-consumer")
    (folder / "hub").mkdir()
    hub = Hub(folder / "hub", {"AUDIT_WORKBENCH_DB": url})
    yield hub, url, audit
    hub.stop()


def test_the_service_acts_as_the_tokens_owner_whatever_the_caller_says(team, scheme, monkeypatch):
    hub, url, audit = team
    monkeypatch.setenv("AUDIT_WORKBENCH_USER", "M01")  # what a kernel could set: it changes nothing
    monkeypatch.setenv("JUPYTERHUB_USER", "m01")
    auditor = ServiceWorkbench(hub.service_url, hub.user_token("a02"), scheme)
    assert (auditor.hub_user, auditor.actor) == ("a02", "A02")  # the hub lower-cases names; the person is A02
    version = auditor.save_answer(audit, ITEM, Answer("conform"), note="经服务保存 through the service")
    stored = Workbench(url, scheme).answer_records(audit)[ITEM]
    assert (stored.version, stored.answered_by, stored.note) == (version, "A02", "经服务保存 through the service")
    assert [e.actor for e in Workbench(url, scheme).trail("checklist_answer")][-1] == "A02"
    records = auditor.answer_records(audit)  # a checklist's answers: one call, typed records back
    assert records[ITEM] == stored
    with pytest.raises(TypeError):
        auditor.save_answer(audit, ITEM, Answer("conform"), actor="M01")  # no parameter says who acts


def test_a_decision_from_an_auditors_token_is_refused_by_the_store(team, scheme):
    from datetime import date
    hub, url, audit = team
    auditor = ServiceWorkbench(hub.service_url, hub.user_token("a02"), scheme)
    with pytest.raises(PermissionDenied) as refused:
        auditor.record_decision(audit, decided_on=date(2026, 12, 1), level_rank=3, members=["M01", "M02"],
                                reasons="伪造 forged")
    assert refused.value.zh and refused.value.en and Workbench(url, scheme).decision(audit) is None


def test_without_a_valid_token_nothing_is_answered(team):
    hub, _, audit = team
    assert httpx.get(hub.service_url + "api/whoami").status_code == 401
    assert httpx.get(hub.service_url + "api/whoami", headers={"Authorization": "token forged"}).status_code == 403
    visitor = httpx.get(hub.service_url + "api/whoami", headers={"Authorization": f"token {hub.user_token('visitor')}"})
    assert visitor.json() == {"hub_user": "visitor", "person": "visitor", "roles": None}  # not in the people records
