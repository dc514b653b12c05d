"""A stage of several checklist methods, one tab per method, each built when first opened
(issue 25 §9).

04 shows the survey, the call-backs, the monitoring data, the case sample and four checklists:
about 1,800 widget models, 2 s of kernel work and as long again in the browser before the page
can be used, though an auditor works on one method at a time. In tabs, opening the stage builds
the first method's section only; another builds the first time its tab is chosen (a few
tenths of a second), and stays built. The checklists of the stage share one score however late
they are built (ChecklistWidget.for_method). A document (batch) still shows everything.
"""
from __future__ import annotations

import ipywidgets as widgets

from ..stages.registry import StageView
from .checklist import ChecklistWidget

# Tab titles as long as the method's name: a cut title is a label the auditor cannot read (§7).
SECTIONS_CSS = (".aw-sections > .lm-TabBar .lm-TabBar-tab, .aw-sections > .p-TabBar .p-TabBar-tab"
                "{flex:0 0 auto !important; max-width:none !important; min-width:0}")


def in_sections(view: StageView, classes: list[type]) -> bool:
    """Whether the stage is shown in sections: it covers more than one checklist method."""
    return ChecklistWidget in classes and len(view.workbench.scheme.methods_of(view.stage, view.methods)) > 1


class StageSections(widgets.VBox):
    """The widgets of a stage in one tab per covered method; `built` holds what was built."""

    def __init__(self, view: StageView, classes: list[type]):
        super().__init__()
        self.view = view
        scheme = view.workbench.scheme
        self.methods = [m for m in scheme.methods if m.id in scheme.methods_of(view.stage, view.methods)]
        # A widget that gathers one method's evidence goes in its section; any other comes first.
        self.panels = {m.id: [c for c in classes if getattr(c, "method_shown", None) == m.id] for m in self.methods}
        placed = {c for cs in self.panels.values() for c in cs} | {ChecklistWidget}
        self.built: dict[str, list[widgets.Widget]] = {}
        before = [w for c in classes if c not in placed for w in c.for_stage(view)]
        self.tabs = widgets.Tab(children=[widgets.VBox() for _ in self.methods],
                                titles=[f"{m.id} {m.name}" for m in self.methods])
        self.tabs.add_class("aw-sections")
        self.tabs.observe(lambda change: self.build_section(change["new"]), names="selected_index")
        self.children = [widgets.HTML(f"<style>{SECTIONS_CSS}</style>"), *before, self.tabs]
        self.before = before
        self.build_section(0)

    def build_section(self, index: int | None) -> None:
        """Build the section's widgets the first time its tab is chosen."""
        if index is None:
            return
        method = self.methods[index]
        if method.id in self.built:
            return
        shown = [w for c in self.panels[method.id] for w in c.for_stage(self.view)]
        shown.append(ChecklistWidget.for_method(self.view, method.id))
        self.built[method.id] = shown
        self.tabs.children[index].children = shown
        if self.tabs.selected_index != index:
            self.tabs.selected_index = index

    def widgets_built(self) -> list[widgets.Widget]:
        return [*self.before, *(w for shown in self.built.values() for w in shown)]
