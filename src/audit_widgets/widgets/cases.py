"""CaseSampleWidget: draw the case sample from the imported work orders (seed and method
recorded), then verify each sampled case; the counts feed the 5.1c items."""
from __future__ import annotations

import html
import secrets
from dataclasses import asdict

import ipywidgets as widgets

from ..contract import Action, MethodId
from ..domain import CaseVerification
from ..evaluation import case_answers
from ..evidence import case_population
from ..render.html import message_html
from ..render.results import case_checks_html
from ..rules.cases import lot_counts
from ..rules.planning import CaseLots, case_sample_for, draw_cases
from ..scheme import CASE_FIELDS
from .base import BoundWidget
from .shared_models import own_layout

# ipywidgets shows a None value as no selection, so the choices use text values.
TRI_STATE = (("—", "unknown"), ("是", "yes"), ("否", "no"))
TRI_STATE_VALUES = {"unknown": None, "yes": True, "no": False}
SIMPLE = "simple"
METHODS = (("简单随机 simple random", SIMPLE), ("按服务类型分层 by service type", "service_type"),
           ("按月份分层 by month", "month"))
SEED_RANGE = 10**6
SHOW = (("全部 all", "all"), ("有不符合 with a nonconformity", "bad"), ("未复核 not verified", "open"))


class CaseRow(widgets.HBox):
    """One sampled case and the checks made on it: a service case shows no complaint-only check
    (procedure.yaml case_checks' applies_to)."""

    def __init__(self, order: dict, verified: CaseVerification | None, labels: dict[str, str], on_change,
                 disabled: bool, checks: tuple[str, ...] = CASE_FIELDS):
        self.order_id = order["order_id"]
        info = widgets.HTML(
            f"<b>{html.escape(self.order_id)}</b> <small>{html.escape(str(order['service_type']))} · "
            f"{'投诉' if order['is_complaint'] else '服务'} · {str(order['opened_at'])[:10]}</small>",
            layout=widgets.Layout(width="300px"))
        self.fields = {}
        for name in checks:
            stored = getattr(verified, name) if verified else None
            choice = next(key for key, value in TRI_STATE_VALUES.items() if value is stored)
            control = widgets.Dropdown(options=TRI_STATE, value=choice, description=labels[name],
                                       style={"description_width": "initial"}, layout=widgets.Layout(width="auto"),
                                       disabled=disabled)
            control.observe(lambda _c: on_change(self), names="value")
            self.fields[name] = control
        super().__init__([info, *self.fields.values()])

    def values(self) -> dict:
        return {name: TRI_STATE_VALUES[self.fields[name].value] if name in self.fields else None for name in CASE_FIELDS}


class CaseSampleWidget(BoundWidget):
    edits = "case_sample"
    writes = Action.EVALUATION
    paged = True
    method_shown = MethodId.CASES

    def __init__(self, workbench, applicant_id: str, audit_id: int | None = None, read_only: bool = False,
                 page_size: int = 20):
        super().__init__(workbench, applicant_id, audit_id, read_only)
        self.page_size = page_size
        population = case_population(workbench, self.audit_id)
        self.population = population.cases
        self.labels = {name: self.scheme.case_check_label(name) for name in CASE_FIELDS}
        self.lots = lots = CaseLots.of(population.lot)  # the period's lots: what each lot's result is weighted by
        plan = case_sample_for(self.scheme, lots)
        self.size = widgets.BoundedIntText(value=plan.services.sample_size if plan and plan.services else 0, min=0,
                                           max=max(lots.services, 1), description="服务样本", disabled=self.read_only)
        self.complaint_size = widgets.BoundedIntText(
            value=plan.complaints.sample_size if plan and plan.complaints else 0, min=0,
            max=max(lots.complaints, 1), description="投诉样本", disabled=self.read_only)
        # A fresh seed per audit, drawn here and recorded with the sample (which it reproduces).
        self.seed = widgets.IntText(value=secrets.randbelow(SEED_RANGE), description="随机种子 seed",
                                    disabled=self.read_only,
                                 style={"description_width": "initial"})
        self.method = widgets.Dropdown(options=METHODS, description="服务批方法", disabled=self.read_only,
                                       style={"description_width": "initial"})
        self.draw_button = widgets.Button(description="抽样 / draw", button_style="primary", disabled=self.read_only)
        self.draw_button.on_click(lambda _: self.draw())
        self.record = widgets.HTML()
        self.mark_button = widgets.Button(description="全部标为符合，再标出例外 / mark all conforming",
                                          disabled=self.read_only, layout=widgets.Layout(width="auto"))
        self.mark_button.on_click(lambda _: self.mark_all_conforming())
        self.show = widgets.Dropdown(options=SHOW, description="显示 show", value="all")
        self.show.observe(lambda _: self.refresh(), names="value")
        self.page = widgets.Dropdown(description="页 page", layout=own_layout())
        self.page.observe(lambda change: self.show_page(change["new"]) if change["new"] is not None else None,
                          names="value")
        self.rows_box = widgets.VBox()
        self.summary = widgets.HTML()
        sizing = (f"已完成案例 {lots.total} 个，投诉单独成批 / complaints are a lot of their own："
                  f"{html.escape(plan.describe())}" if plan else "本次审核尚无证据期间内的工单 / no work orders of "
                  "this audit's period")
        if population.left_out:
            sizing += (f"<br>本周期前次审核已复核的 {population.left_out} 个案例不再抽取 / {population.left_out} cases "
                       "verified by an earlier audit of the cycle are left out of the draw")
        self.children = [widgets.HTML(f"<h3>5.1c 服务结果验证：案例抽样复核</h3><p>{sizing}</p>"), self.lock_banner(),
                         widgets.HBox([self.size, self.complaint_size, self.seed]),
                         widgets.HBox([self.method, self.draw_button]),
                         self.record, widgets.HBox([self.show, self.page, self.mark_button]), self.rows_box,
                         self.message, self.summary]
        self.refresh()

    def draw(self) -> None:
        if self.read_only or self.population.empty:
            return
        record = draw_cases(self.population, self.size.value, self.complaint_size.value, seed=self.seed.value,
                            stratify_by=None if self.method.value == SIMPLE else self.method.value, lots=self.lots)
        if self.write(lambda: self.workbench.save_case_sample(self.audit_id, record),
                      f"已抽取 {record.sample_size} 个案例", f"{record.sample_size} cases drawn"):
            self.refresh()

    def refresh(self) -> None:
        self.sample = self.workbench.case_sample(self.audit_id)
        if self.sample is None:
            self.record.value = "<p>尚未抽样 / no sample drawn yet</p>"
            self.rows_box.children = ()
            self.page.options = ()
            return
        self._render_record()
        self.shown_ids = self.filtered_ids()
        pages = max(1, -(-len(self.shown_ids) // self.page_size))
        self.page.options = [(f"第 {p + 1} 页", p) for p in range(pages)]
        self.page.layout.display = None if pages > 1 else "none"  # one page needs no pager
        self.page.value = 0
        self.show_page(0)
        self._render_summary()

    def filtered_ids(self) -> list[str]:
        """The drawn cases to show: all, those with a nonconformity, or those not verified yet."""
        verified = self.sample.verified
        if self.show.value == "open":
            return [i for i in self.sample.ids if i not in verified]
        if self.show.value == "bad":
            return [i for i in self.sample.ids if i in verified and any(
                getattr(verified[i], c.field) == c.nonconforming_value for c in self.scheme.case_checks)]
        return list(self.sample.ids)

    def mark_all_conforming(self) -> None:
        if self.sample is None or self.read_only:
            return
        if self.write(lambda: self.workbench.mark_conforming(self.sample.id), "未复核的检查项已全部标为符合，请标出例外",
                      "every open check is marked conforming: now flag the exceptions"):
            self.refresh()

    def _render_record(self) -> None:
        s = self.sample
        self.record.value = (f"<p>抽样记录 draw record：方法 {s.method}，种子 {s.seed}，总体 {s.population_size}，"
                             f"总体哈希 <code>{s.population_hash[:16]}…</code>，样本 {len(s.ids)}，"
                             f"已复核 verified {len(s.verified)}</p>")

    def show_page(self, page: int) -> None:
        ids = list(self.shown_ids[page * self.page_size:(page + 1) * self.page_size])
        orders = self.population.set_index("order_id").loc[ids].reset_index()
        self.rows_box.children = [
            CaseRow(order, self.sample.verified.get(order["order_id"]), self.labels, self._verify, self.read_only,
                    tuple(c.field for c in self.scheme.case_checks if c.applies(bool(order["is_complaint"]))))
            for order in orders.to_dict("records")]

    def _verify(self, row: CaseRow) -> None:
        saved = self.write(lambda: self.workbench.verify_case(self.sample.id, row.order_id, **row.values()),
                           f"{row.order_id} 已复核", f"{row.order_id} verified")
        self.sample = self.workbench.case_sample(self.audit_id)
        if not saved:  # show what the store holds, not the refused choice
            self.show_page(self.page.value or 0)
            return
        self._render_record()
        self._render_summary()

    def _render_summary(self) -> None:
        answers = case_answers(self.workbench, self.audit_id)
        counts = [asdict(c) for c in lot_counts(self.scheme, self.sample)]
        self.summary.value = ("<h4>计入 5.1c 条目 / counted for the 5.1c items</h4>"
                              + case_checks_html(self.scheme, counts, {k: v.as_dict() for k, v in answers.items()},
                                                 self.scheme.sampling_rules.lot_weighting)
                              if answers else message_html("尚无复核结果", "no case verified yet"))
