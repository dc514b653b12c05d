"""An applicant's documents and batch outputs, as the Workbench makes and offers them.

A document is written from the recorded results where the store is: on one machine, here; in a
team deployment, by the workbench service (issue 27), which alone reads the seal and writes the
published place. Never in a person's kernel: its person controls it, so what it writes proves
nothing. Files are read back by the names `output_files` offers and no others, so that no caller
can name anything else in the published place (the store's key is a file too)."""
from __future__ import annotations

from pathlib import Path, PurePosixPath

from ..domain import OutputFile
from ..errors import NotFoundError, PermissionDenied
from ..published import published
from .base import StoreBase


class OutputStore(StoreBase):
    def make_document(self, document_id: str, applicant_id: str) -> list[OutputFile]:
        """Write one registry document (documents/registry.py) from what is recorded now, publish
        it, and return the files it offers (not its drafts: the certificate's HTML before print);
        none while the applicant has nothing to show yet."""
        from ..documents.registry import documents
        if self.roles_held(self.actor) is None:  # a hub user outside the people records reads, and no more
            raise PermissionDenied(f"「{self.actor}」不在人员记录中，不能生成文件",
                                   f"'{self.actor}' is not in the people records and may not make documents")
        labels = self._labels()
        return [OutputFile(f"{applicant_id}/{path.name}", labels[path.name], path.stat().st_size)
                for path in documents.get(document_id).make(self, applicant_id) if path.name in labels]

    def make_following(self, applicant_id: str, record: str | None) -> list[OutputFile]:
        """The documents that saving a `record` (a procedure_stages.locks name) writes at once:
        a refusal at review writes the letter, a saved agenda the notice of audit."""
        from ..documents.registry import documents
        return [file for document in documents.following(record)
                for file in self.make_document(document.id, applicant_id)]

    def output_files(self, applicant_id: str) -> list[OutputFile]:
        """The applicant's published files that exist: the registry's documents, then the
        executed notebooks (one listing of its folder)."""
        self.get_applicant(applicant_id)  # an applicant of this store, not a folder someone named
        sizes = published().sizes(applicant_id)
        return [OutputFile(f"{applicant_id}/{name}", label, sizes[name])
                for name, label in self._labels().items() if name in sizes]

    def output_file(self, name: str) -> bytes:
        """The content of one of the files `output_files` offers, by its name there."""
        parts = PurePosixPath(name).parts
        if len(parts) != 2 or parts[1] not in self._labels():
            raise NotFoundError(f"没有此输出文件：{name}", f"No such output file: {name}", code="outputs.unknown")
        self.get_applicant(parts[0])  # an applicant of this store, not a folder someone named
        try:
            return published().read(name)
        except FileNotFoundError:
            raise NotFoundError(f"尚未生成：{name}", f"Not written yet: {name}", code="outputs.unknown") from None

    def _labels(self) -> dict[str, str]:
        """The file names an applicant's folder may offer, with what each is."""
        from ..documents.registry import documents
        return {**{name: f"{d.name}（{Path(name).suffix[1:].upper()}）" for d in documents for name in d.files},
                **{f"{s.notebook}.html": f"{s.notebook[:2]} {s.name}（已运行工作簿 executed notebook）"
                   for s in self.scheme.procedure_stages}}
