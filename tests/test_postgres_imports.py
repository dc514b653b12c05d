"""A work-order import reads back the same on both backends: PostgreSQL's goes through COPY
(CSV text), SQLite's through INSERTs, and neither may change a value, an empty text or a
missing one."""
from __future__ import annotations

import pandas as pd

from audit_widgets.demo.audits import register_auditors
from audit_widgets.demo.data import work_order_log, write_csv
from audit_widgets.imports.applicants import read_applicant_file
from audit_widgets.imports.work_orders import read_work_orders
from audit_widgets.store.repository import Workbench

from .conftest import APPLICANTS_DIR


def imported(url: str, scheme, orders) -> pd.DataFrame:
    workbench = Workbench(url, scheme, actor="P01")
    register_auditors(workbench)
    workbench.add_applicant(read_applicant_file(APPLICANTS_DIR / "demo-consumer.yaml", scheme))
    audit = workbench.open_audit("demo-consumer")
    workbench.import_work_orders("demo-consumer", read_work_orders(orders))
    return workbench.work_orders(audit).sort_values("order_id").reset_index(drop=True)


def test_an_import_through_copy_reads_back_as_the_same_rows_as_through_inserts(db_path, postgres_server, scheme,
                                                                                tmp_path):
    orders = write_csv(work_order_log(2000, seed=21), tmp_path / "orders.csv")
    on_sqlite = imported(f"sqlite:///{db_path}", scheme, orders)
    on_postgresql = imported(postgres_server.database(), scheme, orders)
    assert len(on_sqlite) > 1900 and on_sqlite.isna().any().any()  # missing values among them
    pd.testing.assert_frame_equal(on_postgresql, on_sqlite, check_dtype=False)
