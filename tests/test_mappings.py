"""Column-mapping files are validated like the scheme: the shipped ones load, and a bad one is
refused with a bilingual message naming the file and the key — never a KeyError."""
import pytest
import yaml

from audit_widgets.demo.data import wjx_survey_export, work_order_log, write_csv, write_xlsx
from audit_widgets.errors import InputFileError
from audit_widgets.imports.surveys import load_layout_file, load_layouts, read_survey
from audit_widgets.imports.work_orders import load_mapping, read_work_orders

from .conftest import ROOT, database_digest

MAPPINGS = ROOT / "parameters" / "mappings"
REFUSED = ("列映射文件不符合要求", "The column-mapping file is not valid")


def _shipped(name: str) -> dict:
    return yaml.safe_load((MAPPINGS / name).read_text(encoding="utf-8"))


def _write(tmp_path, name: str, data: dict):
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def _refusal(load, path) -> str:
    with pytest.raises(InputFileError) as caught:
        load(path)
    message = str(caught.value)
    assert f"文件 file: {path}" in message and f"文件 file {path.name}" in message
    assert REFUSED[0] in message and REFUSED[1] in message
    return message


def test_the_shipped_mappings_load():
    mapping = load_mapping()
    assert "order_id" in mapping.required and mapping.defaults == {"service_type": "", "issue": ""}
    # Read as text: YAML 1.1 would have turned yes/no into booleans and lost them.
    assert {"yes", "1", "是"} <= mapping.true_values and {"no", "0", "否"} <= mapping.false_values
    layouts = load_layouts()
    assert sorted(layouts) == ["kobo", "limesurvey", "wjx"]
    assert all(layout.id == key for key, layout in layouts.items())
    assert layouts["wjx"].value_labels["非常满意"] == 5
    assert layouts["limesurvey"].questions["nps"].column == "NPS"
    assert layouts["kobo"].questions["nps"].contains == "recommend"


def _without(key):
    return lambda data: data.pop(key)


@pytest.mark.parametrize("change, key, zh, en", [
    (_without("boolean_values"), "boolean_values", "缺少必需的键", "Field required"),
    (lambda d: d.update(required="order_id"), "required", "应为列表", "valid list"),
    (lambda d: d.update(boolean_values=["是", "否"]), "boolean_values", "应为键值对", "valid dictionary"),
    (lambda d: d.update(booleans={}), "booleans", "未知的键", "Extra inputs are not permitted"),
    (lambda d: d["columns"].update(ordr_id=["单号"]), "columns.ordr_id.[key]", "应为以下之一", "'order_id'"),
    (lambda d: d["columns"].update(due_at=[]), "columns.due_at", "不能为空", "at least 1 item"),
    (lambda d: d["columns"].pop("due_at"), "required", "columns 中没有列名：due_at", "without headers"),
    (lambda d: d["required"].remove("order_id"), "required", "必须包含 order_id", "order_id must be required"),
    (lambda d: d["boolean_values"]["false"].append("是"), "boolean_values.false", "同时列为", "both true and false"),
])
def test_a_bad_work_order_mapping_is_refused(tmp_path, change, key, zh, en):
    data = _shipped("work_orders.yaml")
    change(data)
    message = _refusal(load_mapping, _write(tmp_path, "my_orders.yaml", data))
    assert f"「{key}」" in message and zh in message and en in message


@pytest.mark.parametrize("change, key, zh, en", [
    (_without("respondent"), "respondent", "缺少必需的键", "Field required"),
    (lambda d: d.update(detect="序号"), "detect", "应为列表", "valid list"),
    (lambda d: d.update(value_labels={"满意": "很多"}), "value_labels.满意", "应为整数", "valid integer"),
    (lambda d: d.update(question={}), "question", "未知的键", "Extra inputs are not permitted"),
    (lambda d: d["questions"].update(nps={"column": "NPS", "contains": "推荐"}), "questions.nps",
     "column（完整列名）或 contains", "exactly one of"),
    (lambda d: d["questions"].update(nps={"header": "NPS"}), "questions.nps.header", "未知的键", "Extra inputs"),
])
def test_a_bad_survey_layout_is_refused(tmp_path, change, key, zh, en):
    data = _shipped("surveys/wjx.yaml")
    change(data)
    message = _refusal(load_layout_file, _write(tmp_path, "my_layout.yaml", data))
    assert f"「{key}」" in message and zh in message and en in message


def test_a_mapping_that_is_not_yaml_or_not_a_mapping(tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("columns: [unclosed\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="无法解析") as caught:
        load_mapping(broken)
    assert "broken.yaml" in str(caught.value) and "cannot be parsed" in str(caught.value)
    listing = tmp_path / "list.yaml"
    listing.write_text("- order_id\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="应为键值对"):
        load_layout_file(listing)


def test_a_blank_optional_section_means_none(tmp_path):
    data = _shipped("work_orders.yaml")
    data["defaults"] = None
    assert load_mapping(_write(tmp_path, "orders.yaml", data)).defaults == {}


def test_the_readers_use_a_given_mapping(tmp_path, scheme):
    data = _shipped("work_orders.yaml")
    data["columns"]["order_id"] = ["单号"]
    orders = work_order_log(20, seed=2).rename(columns={"工单号": "单号"})
    parsed = read_work_orders(write_csv(orders, tmp_path / "o.csv"), load_mapping(_write(tmp_path, "m.yaml", data)))
    assert parsed.source_columns["order_id"] == "单号" and len(parsed.read_all()) == 20

    layout = _shipped("surveys/wjx.yaml")
    layout["scale"] = "seven_point"
    export = write_xlsx(wjx_survey_export(10, seed=2), tmp_path / "s.xlsx")
    with pytest.raises(InputFileError, match="seven_point") as caught:
        read_survey(export, scheme, load_layout_file(_write(tmp_path, "wjx7.yaml", layout)))
    assert "量表" in str(caught.value) and "not in the scheme" in str(caught.value)


@pytest.mark.parametrize("what, shipped, export", [
    ("work-orders", "work_orders.yaml", lambda p: write_csv(work_order_log(30, seed=4), p / "orders.csv")),
    ("surveys", "surveys/wjx.yaml", lambda p: write_xlsx(wjx_survey_export(30, seed=4), p / "wjx.xlsx")),
])
def test_the_command_refuses_a_bad_mapping_plainly(command, consumer, db_path, tmp_path, what, shipped, export):
    data = _shipped(shipped)
    data.pop("boolean_values" if what == "work-orders" else "scale")
    mapping = _write(tmp_path, "bad_mapping.yaml", data)
    before = database_digest(db_path)
    result = command("import", what, "--applicant", consumer, export(tmp_path), "--mapping", mapping)
    assert result.exit_code != 0
    assert "Traceback" not in result.output and "KeyError" not in result.output
    assert "bad_mapping.yaml" in result.stderr and REFUSED[0] in result.stderr and REFUSED[1] in result.stderr
    assert "缺少必需的键 / Field required" in result.stderr
    assert database_digest(db_path) == before
