"""04 and 05 in one section per method, each built when first chosen (issue 25 §9): the first
section only on opening, the others on their tab, and one score across them however late each
was built."""
from __future__ import annotations

from audit_widgets.notebook import StageNotebook
from audit_widgets.widgets.base import BoundWidget
from audit_widgets.widgets.checklist import ChecklistWidget
from audit_widgets.widgets.sections import StageSections, in_sections


def _sections(db_url, consumer, stage="characteristic"):
    book = StageNotebook(stage, consumer, mode="interactive", database_url=db_url, auditor="A02")
    view, classes = book.view(), book.registered.widget_classes()
    assert in_sections(view, classes)
    return view, StageSections(view, classes)


def test_opening_builds_the_first_section_and_a_tab_builds_its_own(staffed_audit, db_url):
    consumer, _ = staffed_audit
    view, sections = _sections(db_url, consumer)
    assert [m.id for m in sections.methods] == ["5.1a", "5.1b", "5.1c", "5.1d"]
    assert list(sections.tabs.titles) == ["5.1a 客户满意度与忠诚度调查", "5.1b 服务过程成熟度现场测评",
                                          "5.1c 服务结果成熟度验证", "5.1d 服务成熟度监测数据审核"]
    assert list(sections.built) == ["5.1a"]
    assert [type(w).__name__ for w in sections.built["5.1a"]] == ["SurveyPanel", "CallbackPanel", "ChecklistWidget"]
    assert [c.method for c in view.checklists] == ["5.1a"] and not sections.tabs.children[2].children

    sections.tabs.selected_index = 2
    assert [type(w).__name__ for w in sections.built["5.1c"]] == ["CaseSampleWidget", "ChecklistWidget"]
    assert sections.tabs.children[2].children == tuple(sections.built["5.1c"])
    sections.tabs.selected_index = 0
    sections.tabs.selected_index = 2  # built once: the same widgets come back
    assert sections.tabs.children[2].children == tuple(sections.built["5.1c"])
    assert len(view.checklists) == 2 and len(view.data_listeners) == 2  # the survey's and the checklists' one


def test_a_section_built_later_shares_the_score_of_the_first(staffed_audit, db_url):
    consumer, _ = staffed_audit
    view, sections = _sections(db_url, consumer)
    first = sections.built["5.1a"][-1]
    sections.tabs.selected_index = 1
    later = sections.built["5.1b"][-1]
    assert first.peers is later.peers
    before = first.score.value
    row = next(r for r in later.rows if r.item.judgement == "qualitative")
    row.result.value = "conform"  # saved, and rescored in every checklist of the stage
    assert "已保存" in later.message.value
    assert first.score.value == later.score.value != before


def test_05_has_a_section_per_method_and_every_evidence_panel_names_a_scheme_method(staffed_audit, db_url, scheme):
    consumer, _ = staffed_audit
    _, sections = _sections(db_url, consumer, stage="system_audit")
    assert [m.id for m in sections.methods] == ["5.2a", "5.2b", "5.2c"] and list(sections.built) == ["5.2a"]
    methods = {m.id for m in scheme.methods}
    panels = [cls for cls in BoundWidget.__subclasses__() if getattr(cls, "method_shown", None)]
    assert {cls.__name__ for cls in panels} >= {"SurveyPanel", "CallbackPanel", "CaseSampleWidget", "MonitoringPanel"}
    assert all(cls.method_shown in methods for cls in panels)
    assert ChecklistWidget.method_shown is None  # a checklist is placed by its own method
