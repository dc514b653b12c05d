"""`audit-workbench demo`: the demo applicants with their survey and work-order files,
generated from fixed seeds and imported through the same path as real files."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .demo_data import Quality, wjx_survey_export, work_order_log, write_csv, write_xlsx
from .imports.applicants import read_applicant_file
from .imports.surveys import read_survey
from .imports.work_orders import read_work_orders
from .paths import outputs_dir, project_root
from .store.repository import Workbench


@dataclass(frozen=True)
class DemoApplicant:
    id: str
    seed: int
    work_orders: int
    responses: int
    quality: Quality


DEMO_APPLICANTS = (
    DemoApplicant("demo-industrial", 11, 24_000, 420, Quality()),
    DemoApplicant("demo-consumer", 22, 30_000, 460, Quality(first_visit_fix=0.9, on_time=0.96, satisfaction_mean=4.5,
                                                           promoter_share=0.62, detractor_share=0.08)),
    # Weak service: low fix and satisfaction figures, so the 'not certified' path runs too.
    DemoApplicant("demo-special", 33, 21_000, 400, Quality(resolution=0.88, first_visit_fix=0.62, on_time=0.74,
                                                          rework=0.09, repeat_complaint=0.08,
                                                          complaint_satisfaction=0.6, satisfaction_mean=3.3,
                                                          promoter_share=0.25, detractor_share=0.4)),
)


def demo_inputs_dir() -> Path:
    return outputs_dir() / "demo-inputs"


def create_demo(workbench: Workbench, echo=print) -> list[str]:
    """Register the demo applicants (if missing) and import their files; return their ids."""
    existing = {a["id"] for a in workbench.list_applicants()}
    for demo in DEMO_APPLICANTS:
        if demo.id not in existing:
            data = read_applicant_file(project_root() / "parameters" / "applicants" / f"{demo.id}.yaml",
                                       workbench.scheme)
            workbench.add_applicant(data)
            echo(f"登记申请方 applicant added: {demo.id} {data.name}")
        folder = demo_inputs_dir() / demo.id
        orders_file = write_csv(work_order_log(demo.work_orders, seed=demo.seed, quality=demo.quality),
                                folder / "work_orders.csv")
        survey_file = write_xlsx(wjx_survey_export(demo.responses, seed=demo.seed, quality=demo.quality),
                                 folder / "survey_wjx.xlsx")
        orders = workbench.import_work_orders(demo.id, read_work_orders(orders_file))
        survey = workbench.import_survey(demo.id, read_survey(survey_file, workbench.scheme))
        echo(f"  工单 work orders: {orders['rows']}（{orders_file}）")
        echo(f"  问卷 survey responses: {survey['rows']}（{survey_file}）")
    return [d.id for d in DEMO_APPLICANTS]
