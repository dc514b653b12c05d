"""Run the stage workbooks for applicants with papermill, in procedure order.

Each run leaves the executed notebook and its results file under outputs/<applicant>/.
This is the plain sequential runner; a stage that is blocked or pending says so in its
results file and the next stages follow on regardless.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .paths import outputs_dir, workbooks_dir
from .scheme import Scheme


@dataclass(frozen=True)
class RunRecord:
    applicant_id: str
    notebook: str
    output: Path
    seconds: float
    error: str | None


def workbook_paths(scheme: Scheme) -> list[Path]:
    folder = workbooks_dir()
    return [folder / f"{stage.notebook}.ipynb" for stage in scheme.procedure_stages]


def run_workbooks(scheme: Scheme, applicant_ids: list[str], database_url: str | None = None,
                  echo=print) -> list[RunRecord]:
    import time

    import papermill

    records = []
    for applicant_id in applicant_ids:
        for path in workbook_paths(scheme):
            output = outputs_dir() / applicant_id / path.name
            output.parent.mkdir(parents=True, exist_ok=True)
            started = time.perf_counter()
            error = None
            try:
                papermill.execute_notebook(
                    str(path), str(output), cwd=str(path.parent), progress_bar=False,
                    parameters={"applicant_id": applicant_id, "mode": "batch", "database_url": database_url})
            except papermill.PapermillExecutionError as exc:
                error = f"{exc.ename}: {exc.evalue}"
            record = RunRecord(applicant_id, path.stem, output, time.perf_counter() - started, error)
            records.append(record)
            echo(f"{applicant_id} {path.stem}: {'失败 failed: ' + error if error else 'ok'} ({record.seconds:.1f} s)")
    return records
