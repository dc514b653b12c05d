"""The registries a third party extends: documents, importers and batch executors, each one
registration or one entry point in the plug-in's own package metadata."""
from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest

from audit_widgets.batch.executors import executors
from audit_widgets.documents.registry import Document, documents
from audit_widgets.errors import NotFoundError
from audit_widgets.imports.registry import importers
from audit_widgets.plugins import Registry
from audit_widgets.settings import DB_ENV


def test_the_project_registers_its_documents_importers_and_executors():
    assert documents.ids() == ["audit_notice", "refusal_letter", "report", "certificate", "status_notice"]
    assert importers.ids() == ["work-orders", "surveys", "people", "applicant"]
    assert executors.ids() == ["local", "dask"]
    with pytest.raises(NotFoundError) as caught:
        executors.get("ray")
    assert caught.value.code == "registry.unknown" and "local, dask" in caught.value.en  # names what there is


def _plugin(tmp_path: Path, group: str, module: str, source: str) -> Path:
    """An installed distribution as importlib.metadata sees one: a module and a dist-info
    folder with its entry point, on sys.path."""
    (tmp_path / f"{module}.py").write_text(textwrap.dedent(source), encoding="utf-8")
    info = tmp_path / "toy_plugin-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: toy-plugin\nVersion: 0.1\n", encoding="utf-8")
    (info / "entry_points.txt").write_text(f"[{group}]\ntoy = {module}:TOY\n", encoding="utf-8")
    return tmp_path


def test_a_document_from_an_entry_point_is_built_with_the_others(tmp_path, monkeypatch, workbench, consumer):
    (tmp_path / "site").mkdir()
    folder = _plugin(tmp_path / "site", "audit_workbench.documents", "toy_document", """
        from audit_widgets.documents.registry import Document

        def write(workbench, applicant_id, folder):
            path = folder / "toy.txt"
            path.write_text(workbench.get_applicant(applicant_id).name, encoding="utf-8")
            return [path]

        TOY = Document("toy", "示例 / toy", write, ("toy.txt",), "示例 the reader", "随时 any time")
    """)
    monkeypatch.syspath_prepend(str(folder))
    plugged: Registry[Document] = Registry("文件", "document", group="audit_workbench.documents")
    plugged.register(documents.get("report"))
    assert plugged.ids() == ["report", "toy"]  # the plug-in loads the first time the registry is read
    out = tmp_path / "out"
    out.mkdir()
    [written] = plugged.get("toy").write(workbench, consumer, out)
    assert written.read_text(encoding="utf-8") == workbench.get_applicant(consumer).name
    sys.modules.pop("toy_document", None)


def test_an_importer_from_an_entry_point_becomes_an_import_command(tmp_path, db_url):
    """The CLI builds `import <id>` from the registry: the plug-in's importer has its command."""
    import subprocess
    site = tmp_path / "site"
    site.mkdir()
    _plugin(site, "audit_workbench.importers", "toy_importer", """
        from audit_widgets.imports.registry import Imported, Importer

        TOY = Importer("toy-lines", "示例 / toy", "导入示例行 / Import toy lines.",
                       read=lambda workbench, path, mapping: path.read_text().splitlines(),
                       store=lambda workbench, applicant_id, lines, audit_id: Imported({"rows": len(lines)},
                                                                                       "已导入", "imported"),
                       per_applicant=False)
    """)
    env = {"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin", DB_ENV: db_url}
    listed = subprocess.run([sys.executable, "-m", "audit_widgets.cli", "import", "--help"], capture_output=True,
                            text=True, env=env, check=True)
    assert "toy-lines" in listed.stdout and "work-orders" in listed.stdout
    data = tmp_path / "lines.txt"
    data.write_text("a\nb\nc\n")
    done = subprocess.run([sys.executable, "-m", "audit_widgets.cli", "import", "toy-lines", str(data), "--json"],
                          capture_output=True, text=True, env=env)
    assert done.returncode == 0 and '"rows": 3' in done.stdout, done.stderr


def test_applicant_add_and_import_applicant_are_one_implementation(workbench, command):
    source = Path("parameters/applicants/demo-consumer.yaml")
    first = command("--as", "P01", "import", "applicant", str(source))
    again = command("--as", "P01", "applicant", "add", str(source))
    assert first.exit_code == 0 and "demo-consumer" in first.output
    assert again.exit_code != 0 and "已存在" in again.output  # the same store call, the same refusal
