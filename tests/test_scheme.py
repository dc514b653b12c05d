from collections import Counter

import pytest

from audit_widgets.errors import SchemeError
from audit_widgets.scheme import SECTION_FILES, Scheme, load_scheme
from audit_widgets.scheme_xlsx import export_xlsx, import_xlsx

from .conftest import edit_scheme_file as _edit


def test_default_scheme_covers_every_method_and_dimension(scheme):
    assert len(scheme.checklist) >= 60
    methods = Counter(item.method for item in scheme.checklist)
    assert set(methods) == {"5.1a", "5.1b", "5.1c", "5.1d", "5.2a", "5.2b", "5.2c"}
    assert all(count >= 5 for count in methods.values())
    assert {item.dimension for item in scheme.checklist} == set(scheme.dimension_ids)
    assert scheme.dimension_ids == ("foundation", "process", "perception", "improvement")
    special = [i for i in scheme.checklist if i.domains == ("c",)]
    composite = [i for i in scheme.checklist if i.domains == ("d",)]
    assert len(special) >= 4 and any(i.veto for i in special) and len(composite) >= 3
    measures = {i.measure for i in scheme.checklist if i.judgement == "measure"}
    assert {"first_time_fix_rate", "rework_rate", "nps", "csat_response_speed"} <= measures


def test_every_section_has_a_file():
    assert set(SECTION_FILES) == set(Scheme.model_fields)


def test_fingerprint_is_stable_and_sensitive(scheme, scheme_copy):
    assert load_scheme(scheme_copy).fingerprint == scheme.fingerprint
    _edit(scheme_copy, "checklist.yaml", lambda d: d["checklist"][0].update(points=4))
    assert load_scheme(scheme_copy).fingerprint != scheme.fingerprint


def test_a_mode_weight_from_the_2026_1_scheme_is_refused(scheme_copy):
    """Scores are one ratio of points since 2026.2: a weight left in a scheme file is named."""
    _edit(scheme_copy, "scheme.yaml", lambda d: d["modes"][0].update(weight=0.5))
    with pytest.raises(SchemeError) as caught:
        load_scheme(scheme_copy)
    text = caught.value.render()
    assert "scheme.yaml" in text and "modes.weight" in text and "5.1" in text


def test_a_malformed_field_names_file_entry_and_field(scheme_copy):
    _edit(scheme_copy, "checklist.yaml", lambda d: d["checklist"][4].update(points="many"))
    with pytest.raises(SchemeError) as caught:
        load_scheme(scheme_copy)
    problem = caught.value.problems[0]
    assert problem.file == "checklist.yaml" and problem.entry == "A05" and problem.column == "checklist.points"


def test_unknown_references_and_duplicates_are_refused(scheme_copy):
    def break_checklist(data):
        data["checklist"][0].update(dimension="happiness", measure=None)
        data["checklist"][1]["id"] = data["checklist"][2]["id"]
    _edit(scheme_copy, "checklist.yaml", break_checklist)
    with pytest.raises(SchemeError) as caught:
        load_scheme(scheme_copy)
    fields = {p.column for p in caught.value.problems}
    assert {"checklist.dimension", "checklist.id"} <= fields


def test_a_section_in_two_files_is_refused(scheme_copy):
    (scheme_copy / "extra.yaml").write_text("scoring: {}\n", encoding="utf-8")
    with pytest.raises(SchemeError) as caught:
        load_scheme(scheme_copy)
    assert "scoring" in caught.value.zh


def test_a_section_under_its_old_name_is_told_the_new_one(scheme_copy):
    _edit(scheme_copy, "person_days.yaml", lambda d: d.update(audit_stages=d.pop("audit_types")))
    with pytest.raises(SchemeError) as caught:
        load_scheme(scheme_copy)
    assert "audit_types" in caught.value.en and "person_days.yaml" in caught.value.render()


def test_gaps_in_the_person_day_table_are_refused(scheme_copy):
    _edit(scheme_copy, "person_days.yaml", lambda d: d["person_day_table"][1].update(min_personnel=7))
    with pytest.raises(SchemeError) as caught:
        load_scheme(scheme_copy)
    assert caught.value.problems[0].file == "person_days.yaml"


def test_xlsx_round_trip_is_lossless(scheme, tmp_path):
    workbook = export_xlsx(scheme, tmp_path / "scheme.xlsx")
    again = import_xlsx(workbook)
    assert again == scheme
    assert again.fingerprint == scheme.fingerprint


def test_xlsx_edits_are_validated(scheme, tmp_path):
    from openpyxl import load_workbook
    path = export_xlsx(scheme, tmp_path / "scheme.xlsx")
    book = load_workbook(path)
    book["levels"]["D2"] = "seventy"  # first level's min_score
    book.save(path)
    with pytest.raises(SchemeError) as caught:
        import_xlsx(path)
    assert "scheme.xlsx!levels" in caught.value.render()
