"""Typed reads and one consistent snapshot for answers built from many reads."""
import pytest
from sqlalchemy import event

from audit_widgets.domain import Applicant
from audit_widgets.errors import ConflictError
from audit_widgets.evaluation import evaluate
from audit_widgets.imports.applicants import ApplicantData
from audit_widgets.store.repository import Workbench

pytestmark = pytest.mark.both_backends


def test_reads_return_typed_records(workbench, consumer):
    applicant = workbench.get_applicant(consumer)
    assert isinstance(applicant, Applicant) and applicant.domains == ("b",)
    with pytest.raises(AttributeError):
        applicant.domian  # a misspelt field fails where it is written


def test_a_reading_view_sees_one_snapshot(db_url, scheme, consumer):
    reader, writer = Workbench(db_url, scheme, actor="reader"), Workbench(db_url, scheme, actor="P01")
    before = reader.get_applicant(consumer).personnel
    with reader.reading() as view:
        assert view.get_applicant(consumer).personnel == before
        writer.update_applicant(ApplicantData(**{**writer.get_applicant(consumer).as_dict(), "personnel": before + 7}))
        assert view.get_applicant(consumer).personnel == before  # the snapshot does not move
        with view.reading() as nested:
            assert nested is view
    assert reader.get_applicant(consumer).personnel == before + 7


def test_a_reading_view_cannot_write(workbench, consumer):
    with workbench.reading() as view:
        with pytest.raises(ConflictError) as caught:
            view.open_audit(consumer)
    assert caught.value.code == "store.read_only_view"
    assert workbench.current_audit(consumer) is None


def test_evaluate_reads_in_one_transaction(workbench, consumer):
    workbench.open_audit(consumer)
    begins = []
    listener = lambda connection: begins.append(connection)  # noqa: E731
    event.listen(workbench.engine, "begin", listener)
    try:
        evaluate(workbench, consumer)
    finally:
        event.remove(workbench.engine, "begin", listener)
    assert len(begins) == 1
