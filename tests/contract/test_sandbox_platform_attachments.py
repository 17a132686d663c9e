"""Attachments: upload, retrieve, signed 30-minute download URLs, transaction attachments."""

from __future__ import annotations

import pytest

from tests.contract.conftest import TestClient
from verone.qonto.types._base import from_wire_json
from verone.qonto.types.attachments import AttachmentEnvelope
from verone.sandbox.state import SandboxState

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _upload(
    api: TestClient,
    key: str,
    content: bytes = PDF,
    name: str = "recu.pdf",
    url: str = "/v2/attachments",
) -> str:
    response = api.post(
        url,
        files={"file": (name, content, "application/pdf")},
        headers={"X-Qonto-Idempotency-Key": key},
    )
    assert response.status_code == 200, response.text
    attachment_id = response.json()["attachment"]["id"]
    assert isinstance(attachment_id, str)
    return attachment_id


def test_upload_then_retrieve_and_download(api: TestClient) -> None:
    attachment_id = _upload(api, "up-1")
    response = api.get(f"/v2/attachments/{attachment_id}")
    attachment = from_wire_json(AttachmentEnvelope, response.content).attachment
    assert attachment.file_name == "recu.pdf"
    assert attachment.file_size == str(len(PDF))
    assert attachment.file_content_type == "application/pdf"
    assert attachment.url is not None
    assert "signature=" in attachment.url
    download = api.get(attachment.url, headers={"Authorization": ""})
    assert download.status_code == 200
    assert download.content == PDF
    assert download.headers["content-type"] == "application/pdf"


def test_download_url_expires_after_30_minutes(
    api: TestClient, sandbox_state: SandboxState
) -> None:
    attachment_id = _upload(api, "up-2")
    url = api.get(f"/v2/attachments/{attachment_id}").json()["attachment"]["url"]
    sandbox_state.clock.advance(29 * 60)
    assert api.get(url).status_code == 200
    sandbox_state.clock.advance(2 * 60)
    expired = api.get(url)
    assert expired.status_code == 403
    assert expired.json()["errors"][0]["detail"] == "Request has expired"
    fresh = api.get(f"/v2/attachments/{attachment_id}").json()["attachment"]["url"]
    assert api.get(fresh).status_code == 200


def test_forged_signature_is_refused(api: TestClient) -> None:
    attachment_id = _upload(api, "up-3")
    url = api.get(f"/v2/attachments/{attachment_id}").json()["attachment"]["url"]
    head, _, signature = url.partition("signature=")
    forged = head + "signature=" + ("0" if signature[0] != "0" else "1") + signature[1:]
    assert api.get(forged).status_code == 403
    longer = url.replace("expires=", "expires=9")
    assert api.get(longer).status_code == 403


@pytest.mark.parametrize("content", [b"GIF89a....", b"just text", b""])
def test_only_pdf_jpeg_png_are_accepted(api: TestClient, content: bytes) -> None:
    response = api.post(
        "/v2/attachments",
        files={"file": ("x.pdf", content, "application/pdf")},
        headers={"X-Qonto-Idempotency-Key": f"bad-{content!r}"},
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["source"]["pointer"] == "/data/attributes/file"


def test_missing_file_field_is_a_422(api: TestClient) -> None:
    response = api.post(
        "/v2/attachments",
        files={"document": ("x.pdf", PDF, "application/pdf")},
        headers={"X-Qonto-Idempotency-Key": "no-file"},
    )
    assert response.status_code == 422


def test_unknown_attachment_is_404(api: TestClient) -> None:
    assert api.get("/v2/attachments/nope").status_code == 404


def test_transaction_attachments_attach_list_detach(
    api: TestClient, sandbox_state: SandboxState
) -> None:
    txn_id = sandbox_state.banking.all_transactions()[5].id
    url = f"/v2/transactions/{txn_id}/attachments"
    first = _upload(api, "t-1", url=url)
    second = _upload(api, "t-2", content=PNG, name="ticket.png", url=url)
    listed = api.get(url).json()
    assert [a["id"] for a in listed["attachments"]] == [first, second]
    assert listed["attachments"][1]["file_content_type"] == "image/png"
    assert listed["meta"]["total_count"] == 2
    txn = api.get(f"/v2/transactions/{txn_id}").json()["transaction"]
    assert txn["attachment_ids"] == [first, second]
    account = {"bank_account_id": txn["bank_account_id"], "with_attachments": "true"}
    with_files = api.get("/v2/transactions", params=account).json()["transactions"]
    assert [t["id"] for t in with_files] == [txn_id]

    assert api.delete(f"{url}/{first}").status_code == 204
    assert [a["id"] for a in api.get(url).json()["attachments"]] == [second]
    assert api.delete(f"{url}/{first}").status_code == 404
    assert api.delete(url).status_code == 204
    assert api.get(url).json()["attachments"] == []
    assert api.get(f"/v2/attachments/{second}").status_code == 200  # the file itself is kept


def test_attach_to_unknown_transaction_is_404(api: TestClient) -> None:
    response = api.post(
        "/v2/transactions/nope/attachments",
        files={"file": ("a.pdf", PDF, "application/pdf")},
        headers={"X-Qonto-Idempotency-Key": "t-404"},
    )
    assert response.status_code == 404
