"""The chunked upload button (issue 25 §5), its kernel side driven with the messages the browser
sends: a 15 MB photo arrives whole in 1 MB chunks and is kept as evidence with its SHA-256, a
file over the limit is refused with a message and nothing stored, an incomplete file is not
kept, and a new upload clears the old status line. (The browser side: test_walkthrough.py.)"""
import hashlib

from audit_widgets.widgets.applicant import ApplicantForm
from audit_widgets.widgets.checklist import ChecklistWidget
from audit_widgets.widgets.upload import CHUNK_BYTES, ChunkedUpload


def _send(upload: ChunkedUpload, name: str, data: bytes, upload_id: str = "u1") -> None:
    upload.receive({"type": "start", "upload": upload_id, "name": name, "size": len(data)}, [])
    for offset in range(0, max(len(data), 1), CHUNK_BYTES):
        upload.receive({"type": "chunk", "upload": upload_id, "name": name, "size": len(data), "offset": offset,
                        "last": offset + CHUNK_BYTES >= len(data)}, [memoryview(data[offset:offset + CHUNK_BYTES])])


def test_a_photo_of_15_mb_arrives_in_chunks_and_is_kept_with_its_hash(auditor, consumer):
    widget = ChecklistWidget(auditor, consumer, "5.2a")
    widget.select_for_evidence("E01")
    photo = bytes(range(256)) * (15 * 4096)  # 15 MB
    _send(widget.upload, "现场照片.jpg", photo)
    [kept] = auditor.answer_records(widget.audit_id)["E01"].evidence
    assert kept.filename == "现场照片.jpg" and kept.sha256 == hashlib.sha256(photo).hexdigest()
    assert "已保存证据 现场照片.jpg" in widget.message.value and widget.upload.count == 1


def test_a_file_over_the_limit_is_refused_with_a_message_and_nothing_kept(auditor, consumer, monkeypatch):
    monkeypatch.setenv("AUDIT_WORKBENCH_UPLOAD_LIMIT_MB", "2")
    widget = ChecklistWidget(auditor, consumer, "5.2a")
    assert widget.upload.limit == 2 * 1024 * 1024
    widget.select_for_evidence("E01")
    widget.upload.receive({"type": "refused", "name": "录像.mp4", "size": 3 * 1024 * 1024}, [])
    assert "超过上传上限 2 MB" in widget.message.value and "AUDIT_WORKBENCH_UPLOAD_LIMIT_MB" in widget.message.value
    _send(widget.upload, "录像.mp4", b"x" * (3 * 1024 * 1024))  # sent anyway (an old page): still refused
    assert "E01" not in auditor.answer_records(widget.audit_id) and widget.upload.count == 0


def test_an_incomplete_file_is_not_kept_and_a_new_upload_clears_the_status(db_url, scheme, staffed_audit):
    from audit_widgets.store.repository import Workbench
    applicant, audit = staffed_audit
    form = ApplicantForm(Workbench(db_url, scheme, actor="P01"), applicant)
    upload = form.documents.children[0].children[1]
    upload.receive({"type": "start", "upload": "a", "name": "营业执照.pdf", "size": 10}, [])
    upload.receive({"type": "chunk", "upload": "a", "name": "营业执照.pdf", "size": 10, "last": True}, [b"%PDF"])
    assert "未完整收到（4 / 10 字节）" in form.message.value
    assert not Workbench(db_url, scheme).documents(audit)
    _send(upload, "营业执照.pdf", b"%PDF-1.4 licence", upload_id="b")
    assert "未完整" not in form.message.value and "已保存 营业执照.pdf" in form.message.value
    assert Workbench(db_url, scheme).documents(audit)["licence"][0].filename == "营业执照.pdf"

