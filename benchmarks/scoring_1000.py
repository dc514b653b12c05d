"""Scoring the full scheme for 1,000 applicants. Target (issue #2): at most 2 s.

The baseline beside it is the bare arithmetic: summing earned and applicable points per
applicant in a plain loop, with no rules, weights, gates or explanations."""
from __future__ import annotations

import random
import sys
import time

from _common import DATA, report

APPLICANTS = 1000


def synthetic_answers(scheme, seed=7):
    rng = random.Random(seed)
    domain_sets = [["a"], ["b"], ["c"], ["d"], ["a", "d"], ["b", "c"]]
    applicants = []
    for _ in range(APPLICANTS):
        domains = rng.choice(domain_sets)
        answers = {}
        for item in scheme.items_for(domains):
            if item.judgement == "sample":
                checked = rng.randint(5, 30)
                answers[item.id] = dict(checked=checked, nonconforming=rng.randint(0, checked // 4))
            else:
                answers[item.id] = dict(result=rng.choices(
                    ["conform", "partial", "nonconform", "not_applicable"], [80, 10, 5, 5])[0])
        measures = {m.id: rng.uniform(0.5, 1.0) if m.unit == "rate" else rng.uniform(20, 95) for m in scheme.measures}
        applicants.append((domains, answers, measures))
    return applicants


def main() -> bool:
    from audit_widgets.domain import Answer
    from audit_widgets.rules.scoring import score_applicant
    from audit_widgets.scheme import load_scheme

    scheme = load_scheme(DATA.parent.parent / "parameters" / "scheme")
    applicants = [(d, {k: Answer(**v) for k, v in a.items()}, m) for d, a, m in synthetic_answers(scheme)]

    start = time.perf_counter()
    for domains, answers, measures in applicants:
        earned = possible = 0.0
        for item in scheme.items_for(domains):
            answer = answers[item.id]
            if answer.result == "not_applicable":
                continue
            possible += item.points
            earned += item.points * (answer.result == "conform")
    baseline = time.perf_counter() - start

    start = time.perf_counter()
    results = [score_applicant(scheme, d, a, m) for d, a, m in applicants]
    elapsed = time.perf_counter() - start
    levels = {}
    for r in results:
        levels[r.level.label] = levels.get(r.level.label, 0) + 1
    print(f"{len(results)} applicants, {sum(len(r.items) for r in results)} item scores; levels {dict(sorted(levels.items()))}")
    report("baseline: bare earned/applicable sums, plain loop", baseline, "s")
    return report("score_applicant for every applicant (full rules)", elapsed, "s", 2.0)


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
