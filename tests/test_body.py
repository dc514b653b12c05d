"""The certification body as data (issue 23 §1): parameters/body.yaml is validated on load, and a
problem names the file and the field."""
import pytest

from audit_widgets.body import load_body
from audit_widgets.errors import SchemeError
from audit_widgets.paths import project_root

BODY = project_root() / "parameters" / "body.yaml"


def _copy(tmp_path, change=lambda text: text):
    (tmp_path / "body").mkdir()
    for image in ("mark.svg", "seal.svg"):
        (tmp_path / "body" / image).write_bytes((BODY.parent / "body" / image).read_bytes())
    path = tmp_path / "body.yaml"
    path.write_text(change(BODY.read_text(encoding="utf-8")), encoding="utf-8")
    return path


def test_the_demo_body_is_valid_and_clearly_fictitious():
    body = load_body()
    assert "虚构" in body.name and "演示" in body.approval_number and body.verify_url.startswith("https://")
    assert body.image_uri("mark_image").startswith("data:image/svg+xml;base64,")  # carried, nothing fetched
    assert body.verification_address("N1", "AB-CD") == f"{body.verify_url}?number=N1&code=AB-CD"


@pytest.mark.parametrize("change,field", [
    (lambda t: t.replace("verify_url: https://", "verify_url: http://"), "verify_url"),
    (lambda t: t.replace("mark_image: body/mark.svg", "mark_image: body/missing.svg"), "mark_image"),
    (lambda t: t.replace("seal_image: body/seal.svg", "seal_image: body.yaml"), "seal_image"),
    (lambda t: "\n".join(line for line in t.splitlines() if not line.startswith("address:")), "address"),
    (lambda t: t + "\nmotto: 诚信\n", "motto"),
])
def test_a_bad_body_file_names_the_file_and_the_field(tmp_path, change, field):
    path = _copy(tmp_path, change)
    with pytest.raises(SchemeError) as caught:
        load_body(path)
    rendered = caught.value.render()
    assert str(path) in rendered and field in rendered and "Traceback" not in rendered


def test_a_copy_is_read_from_its_own_folder(tmp_path, monkeypatch):
    path = _copy(tmp_path, lambda t: t.replace("林演示", "王签字"))
    monkeypatch.setenv("AUDIT_WORKBENCH_BODY", str(path))
    body = load_body()
    assert body.signatory_name == "王签字" and body.image_path("mark_image") == tmp_path / "body" / "mark.svg"


def test_the_body_round_trips_through_excel_and_a_bad_cell_is_named_by_row(tmp_path):
    from openpyxl import load_workbook

    from audit_widgets.body import export_xlsx, import_xlsx
    target = _copy(tmp_path)
    before = target.read_bytes()
    workbook = export_xlsx(load_body(), tmp_path / "body.xlsx")
    book = load_workbook(workbook)
    sheet = book["body"]
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    rows["verify_url"][1].value = "http://cert.example.invalid/verify"
    book.save(workbook)
    with pytest.raises(SchemeError) as caught:
        import_xlsx(workbook, target)
    row = rows["verify_url"][0].row
    rendered = caught.value.render()
    assert "body.xlsx" in rendered and "verify_url" in rendered and f"第 {row} 行" in rendered
    assert target.read_bytes() == before  # nothing written
    rows["verify_url"][1].value = "https://cert.example.invalid/verify"
    rows["signatory_name"][1].value = "王签字"
    book.save(workbook)
    assert import_xlsx(workbook, target).signatory_name == "王签字"
    assert load_body(target).signatory_name == "王签字" and load_body(target).mark_image == load_body().mark_image
