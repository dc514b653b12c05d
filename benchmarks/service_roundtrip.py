"""The workbench service's round trip (issue 27 §2), beside the single-machine Workbench in the
same run: a real JupyterHub from deploy/jupyterhub_config.py on 127.0.0.1, its proxy and the
service, and an auditor's hub token. Each figure is the median of CALLS calls:
- `whoami` (the floor of any call), through the hub's proxy and on the service's own port;
- a checklist's answers, every item of the audit answered, read in one call (`answer_records`);
- one answer saved (`save_answer`);
- the committee's portfolio of PORTFOLIO applicants (the store `dashboard_500` builds, smaller),
  as the dashboard reads it behind the hub: one call (`portfolio`), against the same rows read
  applicant by applicant through the service (about ten calls each) and read directly.
The issue asks for "at most a few milliseconds" a call on localhost."""
from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from _common import portfolio_store, report  # noqa: E402

CALLS = 30
PORTFOLIO = int(os.environ.get("PORTFOLIO_APPLICANTS", "100"))


def median_ms(call) -> float:
    call()  # the first call warms caches on both sides
    times = []
    for _ in range(CALLS):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> bool:
    from tests.conftest import staff_audit, store_with_consumer  # the tests' staffed audit (sets scratch folders)
    from tests.hub import Hub

    from audit_widgets.domain import Answer
    from audit_widgets.errors import WorkbenchError
    from audit_widgets.scheme import load_scheme
    from audit_widgets.store.repository import Workbench
    from audit_widgets.team.client import ServiceWorkbench

    folder = Path(tempfile.mkdtemp(prefix="service-roundtrip-"))
    url = f"sqlite:///{folder / 'store.sqlite'}"
    scheme = load_scheme()
    applicant = store_with_consumer(url, scheme).get_applicant("demo-consumer")
    audit = staff_audit(url, scheme, applicant.id)
    direct = Workbench(url, scheme, actor="A02")
    items = []
    for item in scheme.items_for(applicant.domains):  # every item a plain "conform" may answer
        try:
            direct.save_answer(audit, item.id, Answer("conform"))
            items.append(item.id)
        except WorkbenchError:
            pass
    (folder / "hub").mkdir()
    hub = Hub(folder / "hub", {"AUDIT_WORKBENCH_DB": url})
    try:
        token = hub.user_token("a02")
        # Through the hub's proxy (an integration's way in), and the service's own port, which
        # the people's kernels call (the spawner gives them that address).
        proxied = ServiceWorkbench(hub.service_url, token, scheme)
        port = ServiceWorkbench(f"http://127.0.0.1:{hub.env['AUDIT_WORKBENCH_HUB_SERVICE_PORT']}/services/workbench/",
                                token, scheme)
        assert proxied.answer_records(audit) == port.answer_records(audit) == direct.answer_records(audit)
        ways = (("direct", direct), ("service, through the proxy", proxied), ("service, its own port", port))
        print(f"service round trip, {CALLS} calls each, median; {len(items)} answers in the checklist")
        for name, service in ways[1:]:
            report(f"whoami, {name}", median_ms(lambda: service._request("GET", "api/whoami")), "ms")
        for name, workbench in ways:
            report(f"answer_records, {len(items)} answers, {name}", median_ms(lambda: workbench.answer_records(audit)),
                   "ms")
        counter = iter(range(10_000))
        for name, workbench in ways:
            report(f"save_answer, {name}", median_ms(
                lambda: workbench.save_answer(audit, items[0], Answer("conform"), note=f"#{next(counter)}")), "ms")
    finally:
        hub.stop()
    return portfolio_figures(folder, scheme)


def portfolio_figures(folder: Path, scheme) -> bool:
    """The dashboard's portfolio behind the hub: one batched call against one call per read."""
    from tests.conftest import copy_database
    from tests.hub import Hub

    from audit_widgets.dashboard.portfolio import portfolio
    from audit_widgets.store.repository import Workbench
    from audit_widgets.team.client import ServiceWorkbench
    # The kept store is sealed with the checkout's own key (data/), as dashboard_500 reads it, not
    # with the scratch key the tests' helpers set for the first part.
    os.environ["AUDIT_WORKBENCH_DATA"] = str(ROOT / "data")
    store = copy_database(f"sqlite:///{portfolio_store(PORTFOLIO)}", folder / "portfolio.sqlite")
    url = f"sqlite:///{store}"
    direct = Workbench(url, scheme, actor="viewer")
    (folder / "portfolio-hub").mkdir()
    hub = Hub(folder / "portfolio-hub", {"AUDIT_WORKBENCH_DB": url})
    try:
        service = ServiceWorkbench(f"http://127.0.0.1:{hub.env['AUDIT_WORKBENCH_HUB_SERVICE_PORT']}/services/workbench/",
                                   hub.user_token("viewer"), scheme)  # reads as the dashboard does: no one
        rows = direct.portfolio()
        assert service.portfolio().equals(rows) and len(rows) == PORTFOLIO
        print(f"the committee's portfolio, {PORTFOLIO} applicants (median of 3)")
        for name, read in (("direct", direct.portfolio), ("service, one call", service.portfolio),
                           ("service, a call per read (before)", lambda: portfolio(service))):
            times = []
            for _ in range(3):
                start = time.perf_counter()
                read()
                times.append(time.perf_counter() - start)
            report(f"portfolio, {name}", statistics.median(times), "s")
    finally:
        hub.stop()
    return True


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
