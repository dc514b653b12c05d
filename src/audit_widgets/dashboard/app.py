"""The dashboard notebook's two steps. `Dashboard.open()` runs before the request (in Voila's
preheated kernel): it opens the store read-only and reads the portfolio. `show()` runs after
it: it reads the page's query string and shows the portfolio or one applicant."""
from __future__ import annotations

import html
import os
from urllib.parse import parse_qs

import ipywidgets as widgets
from IPython.display import HTML, display

from ..errors import WorkbenchError
from ..paths import default_database_url, outputs_dir
from ..render.charts import dimension_chart, to_svg
from ..render.html import ERROR_STYLE, table_html
from ..scheme import load_scheme
from ..store.database import read_only_url
from ..store.repository import Workbench
from ..team import VIEWER_ENV, open_workbench
from ..widgets.shared_models import own_layout
from .documents import DocumentLinks
from .pages import PortfolioPage, applicant_html, kpi_trends, open_cases_html, pending_decisions_html
from .portfolio import benchmark, cached_portfolio

STYLE = """<style>
.aw-dashboard table { border-collapse: collapse; }
.aw-dashboard td, .aw-dashboard th { border-bottom: 1px solid #eee; vertical-align: top; }
.aw-dashboard a, .aw-applicant a { color: #1565c0; text-decoration: underline; }
</style>"""


def query_string() -> str:
    """The page's query string: Voila's (waiting for the request in a preheated kernel), or
    empty where the notebook runs elsewhere (JupyterLab, papermill)."""
    try:
        from voila.utils import get_query_string
    except ImportError:
        return ""
    return get_query_string() or ""


def viewer() -> str | None:
    """Who views, as the hub signed them in (team/dashboard.py); none on one machine."""
    return os.environ.get(VIEWER_ENV) or None


class Dashboard:
    def __init__(self, workbench: Workbench):
        self.workbench = workbench
        self.viewer: str | None = None
        self.read()

    @classmethod
    def open(cls, database_url: str | None = None) -> Dashboard:
        """The store of $AUDIT_WORKBENCH_DB (or the default), opened read-only."""
        dashboard = cls(open_workbench(read_only_url(database_url or default_database_url()), load_scheme(),
                                       actor="dashboard"))
        dashboard.warm_up()
        return dashboard

    def warm_up(self) -> None:
        """Render one chart before the request: the SVG renderer's first call costs seconds
        (it loads Vega), which would otherwise fall on the first drill-down."""
        scheme = self.workbench.scheme
        to_svg(dimension_chart({d: scheme.scoring.scale for d in scheme.dimension_ids}, scheme.dimension_names,
                               scheme.scoring.scale, 0))

    def read(self) -> None:
        self.rows = cached_portfolio(self.workbench, outputs_dir() / "dashboard")

    def show(self, query: str | None = None) -> None:
        self.read()  # one query and a cached file when nothing changed since the preheat
        query = query_string() if query is None else query  # in Voila, also the request's viewer, if any
        self.viewer = viewer()
        if self.viewer:
            try:
                self.viewer = self.workbench.person_for_login(self.viewer)
            except WorkbenchError:  # their login was written around its approval: shown unmarked
                pass
        applicant_id = (parse_qs(query.lstrip("?")).get("applicant") or [""])[0]
        display(HTML(STYLE))
        if applicant_id and applicant_id in set(self.rows["applicant_id"]):
            display(HTML(f"<div class='aw-dashboard aw-applicant'>{applicant_html(self.workbench, applicant_id)}"
                         f"{self.benchmark_html(applicant_id)}</div>"))
            trends = kpi_trends(self.workbench, applicant_id)
            if trends is not None:
                display(trends)
            display(DocumentLinks(self.workbench, applicant_id))
            return
        if applicant_id:
            display(HTML(f"<p style='{ERROR_STYLE}'>没有申请方「{html.escape(applicant_id)}」/ no such applicant</p>"))
        display(self.portfolio_view())

    def portfolio_view(self) -> widgets.VBox:
        """The portfolio with an in-page drill-down: choosing an applicant shows it at once, in
        the same kernel; the applicant's link (?applicant=ID) is the address to send."""
        page = PortfolioPage(self.rows)
        chooser = widgets.Dropdown(options=[("— 选择申请方查看详情 / open an applicant —", "")]
                                   + [(f"{r.applicant_id} {r.name}", r.applicant_id) for r in self.rows.itertuples()],
                                   layout=widgets.Layout(width="480px"))
        chooser.add_class("aw-open")
        detail = widgets.HTML()
        detail.add_class("aw-detail")
        trends = widgets.VBox()
        overview = widgets.VBox([page, widgets.HTML(pending_decisions_html(self.workbench, self.rows, self.viewer)),
                                 widgets.HTML(open_cases_html(self.workbench))], layout=own_layout())

        def chosen(change) -> None:
            applicant_id = change["new"]
            detail.value = (f"<div class='aw-applicant'>{applicant_html(self.workbench, applicant_id)}"
                            f"{self.benchmark_html(applicant_id)}</div>" if applicant_id else "")
            trend = kpi_trends(self.workbench, applicant_id) if applicant_id else None
            trends.children = ((trend,) if trend is not None else ()) + (
                (DocumentLinks(self.workbench, applicant_id),) if applicant_id else ())
            overview.layout.display = "none" if applicant_id else None

        chooser.observe(chosen, names="value")
        view = widgets.VBox([widgets.HTML("<h2>认证委员会 / certification committee：申请方总览 portfolio</h2>"),
                             chooser, detail, trends, overview])
        view.add_class("aw-dashboard")
        return view

    def benchmark_html(self, applicant_id: str) -> str:
        table = benchmark(self.rows, applicant_id, self.workbench.scheme)
        head = "<h3>与行业标杆的差距 / benchmark（5.2c）</h3>"
        if table is None or table.empty:
            return head + "<p>同领域尚无已认证的申请方可比 / no certified peers in this domain yet</p>"

        def shown(value: float, unit: str) -> str:
            return f"{value:.1%}" if unit == "rate" else f"{value:.1f}"

        rows = [{"measure": r["measure"] + (" ↓" if r["direction"] == "lower" else ""),
                 "mine": shown(r["mine"], r["unit"]), "percentile": f"{r['percentile']:.0f}%",
                 "median": shown(r["median"], r["unit"]), "best": shown(r["best"], r["unit"]),
                 "gap": shown(abs(r["best"] - r["mine"]), r["unit"])} for r in table.to_dict("records")]
        domain, peers = table.iloc[0]["domain"], int(table.iloc[0]["peers"])
        return (head + f"<p>对比领域 {domain} 的 {peers} 个已认证申请方（↓ 越低越好）/ against {peers} certified in "
                f"domain {domain} (↓ lower is better)</p>"
                + table_html(rows, {"measure": "指标", "mine": "本申请方", "percentile": "百分位", "median": "中位数",
                                    "best": "最佳", "gap": "与最佳差距"}))
