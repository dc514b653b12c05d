"""The scheme change is visible: the demo applicants' scores under the previous scheme (kept in
tests/scheme_history, computed by the code of that version) beside the scores this scheme gives, and
the newest table in parameters/scheme/CHANGES.md checked against them."""
import json
import re

from audit_widgets.evaluation import evaluate
from audit_widgets.store.repository import Workbench

from .conftest import ROOT, SCHEME_DIR

PREVIOUS = "2026.10"  # the version the newest entry of CHANGES.md compares with
BEFORE = ROOT / "tests" / "scheme_history" / f"demo_scores_{PREVIOUS}.json"


def test_the_demo_scores_before_and_after_match_the_changes_file(demo_db, scheme, capsys):
    workbench = Workbench(demo_db, scheme)
    before = json.loads(BEFORE.read_text(encoding="utf-8"))
    # The initial audits: the demo's later audits (surveillance, recertification) cover other methods.
    after = {applicant_id: evaluate(workbench, applicant_id, workbench.audits(applicant_id)[0].id).score
             for applicant_id in before}
    lines = [f"{'applicant':<16} {PREVIOUS:>8} {'':4} {scheme.meta.version:>8}"]
    lines += [f"{a:<16} {before[a]['score']:>8.2f} {before[a]['level']:<4} {s.score:>8.2f} {s.level.label}"
              for a, s in after.items()]
    with capsys.disabled():
        print("\n" + "\n".join(lines))
    changes = (SCHEME_DIR / "CHANGES.md").read_text(encoding="utf-8")
    assert f"## {scheme.meta.version} " in changes
    for applicant_id, score in after.items():
        row = re.search(rf"\| {applicant_id} \| ([\d.]+) \| (\S+) \| ([\d.]+) \| (\S+) \|", changes)
        assert row, applicant_id
        assert float(row[1]) == round(before[applicant_id]["score"], 2) and row[2] == before[applicant_id]["level"]
        assert float(row[3]) == round(score.score, 2) and row[4] == score.level.label
