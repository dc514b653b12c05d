"""One settings object: the README's table is the settings, a bad value is named, and
`config` says where each value came from."""
import json
import re

from audit_widgets.settings import Settings, current, variable

from .conftest import ROOT


def test_the_readme_table_lists_exactly_the_settings():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Settings"):readme.index("## The command")]
    listed = set(re.findall(r"^\| `(AUDIT_WORKBENCH_[A-Z_]+)` \|", section, re.M))
    assert listed == {variable(name) for name in Settings.model_fields}


def test_every_setting_has_its_help():
    assert all(field.description for field in Settings.model_fields.values())


def test_a_bad_value_is_named_and_config_says_where_values_came_from(command, monkeypatch):
    monkeypatch.setenv("AUDIT_WORKBENCH_BUSY_SECONDS", "soon")
    refused = command("config")
    assert refused.exit_code == 1 and "AUDIT_WORKBENCH_BUSY_SECONDS" in refused.stderr
    assert "Traceback" not in refused.output
    monkeypatch.setenv("AUDIT_WORKBENCH_BUSY_SECONDS", "2.5")
    monkeypatch.setenv("AUDIT_WORKBENCH_SECRET", "not-to-be-printed")
    rows = {r["variable"]: r for r in json.loads(command("config", "--json").stdout)}
    assert rows["AUDIT_WORKBENCH_BUSY_SECONDS"] == {**rows["AUDIT_WORKBENCH_BUSY_SECONDS"], "value": 2.5,
                                                    "source": "environment"}
    assert rows["AUDIT_WORKBENCH_MAX_IMPORT_ROWS"]["source"] == "default"
    assert "not-to-be-printed" not in json.dumps(rows) and current().busy_seconds == 2.5
