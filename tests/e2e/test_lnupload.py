"""The documented lnupload flow over HTTP: invoice -> unpaid -> pay -> paid -> upload -> file fetched."""

from __future__ import annotations

import json
import os
import subprocess

import bolt11
import pytest
import requests

pytestmark = pytest.mark.e2e


def curl(command: str) -> dict:
    """Run one of the spec's curl examples verbatim (host swapped) and decode its answer."""
    done = subprocess.run(command, shell=True, capture_output=True, check=True, text=True, timeout=30)
    return json.loads(done.stdout)


def pay(console_url: str, payment_hash: str) -> None:
    requests.post(f"{console_url}/lightning/invoices/{payment_hash}/pay", timeout=10).raise_for_status()


def test_the_documented_curl_flow_works_verbatim(lnupload_url, console_url, tmp_path):
    # Given the spec's three curl examples, with the host swapped for the local server
    invoice = curl(f"curl -s {lnupload_url}/getInvoice")
    payment_hash = invoice["payment_hash"]
    assert invoice["success"] is True and invoice["message"] == "Invoice generated successfully."
    assert bolt11.decode(invoice["payment_request"]).payment_hash == payment_hash
    check = f"""curl -s {lnupload_url}/getSignedUrl --data '{{ "payment-hash": "{payment_hash}"}}'"""
    # When the client polls before paying / Then not paid yet
    assert curl(check) == {"success": False, "message": "Invoice not paid yet."}
    # When the invoice is paid (dev console) / Then the poll succeeds
    pay(console_url, payment_hash)
    assert curl(check)["success"] is True
    # When the file is uploaded as in the spec
    (tmp_path / "bitcoin.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg \xff\xd9")
    upload = f"""cd {tmp_path} && curl -s -F 'data=@bitcoin.jpg' {lnupload_url}/checkUploadedFile \
        -H "payment-hash: {payment_hash}" """
    uploaded = curl(upload)
    # Then the documented answer, and the url serves those bytes with their type
    assert uploaded["success"] is True and uploaded["message"] == "File uploaded"
    served = requests.get(uploaded["url"], timeout=10)
    assert served.status_code == 200
    assert served.content == (tmp_path / "bitcoin.jpg").read_bytes()
    assert served.headers["Content-Type"] == "image/jpeg"
    assert served.headers["X-Content-Type-Options"] == "nosniff" and "Content-Disposition" not in served.headers
    # And the payment is used up
    assert curl(upload)["success"] is False


def test_large_file_goes_straight_to_storage_with_the_presigned_form(lnupload_url, console_url):
    # Given a paid invoice and the upload form getSignedUrl returns
    payment_hash = requests.get(f"{lnupload_url}/getInvoice", timeout=10).json()["payment_hash"]
    pay(console_url, payment_hash)
    form = requests.post(f"{lnupload_url}/getSignedUrl", json={"payment-hash": payment_hash}, timeout=10).json()
    upload = form["upload"]
    content = os.urandom(8 * 1024 * 1024)  # larger than any Lambda request
    assert upload["fields"]["key"] == f"incoming/{payment_hash}/file"  # one exact key per invoice

    def post_form(body: bytes, content_type: str) -> None:
        posted = requests.post(
            upload["url"],
            data={**upload["fields"], "Content-Type": content_type},
            files={"file": ("movie.mp4", body, content_type)},
            timeout=60,
        )
        assert posted.status_code in (200, 201, 204), posted.text

    # When the browser posts the file to S3 with the form's fields
    post_form(content, "video/mp4")
    # And then calls checkUploadedFile with the header and no file
    done = requests.post(f"{lnupload_url}/checkUploadedFile", headers={"payment-hash": payment_hash}, timeout=30)
    # Then the file is published (its extension from the declared type) and served byte for byte
    answer = done.json()
    assert answer["success"] is True and answer["url"].endswith(".mp4")
    served = requests.get(answer["url"], timeout=30)
    assert served.content == content and served.headers["Content-Type"] == "video/mp4"
    # And replaying the form publishes nothing more: the payment is used up, the published file unchanged
    post_form(b"<script>alert(1)</script>", "text/html")
    again = requests.post(f"{lnupload_url}/checkUploadedFile", headers={"payment-hash": payment_hash}, timeout=30)
    assert again.json()["success"] is False and again.json()["message"].startswith("A file has already been")
    assert requests.get(answer["url"], timeout=30).content == content
    assert requests.post(f"{lnupload_url}/getSignedUrl", json={"payment-hash": payment_hash}, timeout=10).json() == {
        "success": True,
        "upload": None,
    }


def test_active_content_is_served_as_a_download_with_nosniff(lnupload_url, console_url):
    # Given a paid invoice; When an HTML page is uploaded
    payment_hash = requests.get(f"{lnupload_url}/getInvoice", timeout=10).json()["payment_hash"]
    pay(console_url, payment_hash)
    page = b"<html><script>alert(document.domain)</script></html>"
    uploaded = requests.post(
        f"{lnupload_url}/checkUploadedFile",
        headers={"payment-hash": payment_hash},
        files={"data": ("page.html", page, "text/html")},
        timeout=30,
    ).json()
    # Then the files domain serves it as a download, never as a page of its own
    served = requests.get(uploaded["url"], timeout=10)
    assert served.status_code == 200 and served.content == page
    assert served.headers["Content-Disposition"].startswith("attachment;")
    assert served.headers["X-Content-Type-Options"] == "nosniff"


def test_size_limits(lnupload_url, console_url):
    payment_hash = requests.get(f"{lnupload_url}/getInvoice", timeout=10).json()["payment_hash"]
    pay(console_url, payment_hash)
    headers = {"payment-hash": payment_hash}
    # A file over the direct-upload limit but under Lambda's: a readable refusal, HTTP 200
    too_big = requests.post(
        f"{lnupload_url}/checkUploadedFile",
        headers=headers,
        files={"data": ("a.bin", b"x" * (4 * 1024 * 1024 + 1))},
        timeout=30,
    )
    assert too_big.status_code == 200
    assert too_big.json()["message"].startswith("File too large for a direct upload")
    # A body over Lambda's 6 MB: refused by the gateway, as API Gateway does
    huge = requests.post(
        f"{lnupload_url}/checkUploadedFile",
        headers=headers,
        files={"data": ("a.bin", b"x" * (7 * 1024 * 1024))},
        timeout=30,
    )
    assert huge.status_code == 413
    # And neither used the payment up
    ok = requests.post(
        f"{lnupload_url}/checkUploadedFile",
        headers=headers,
        files={"data": ("a.txt", b"hello", "text/plain")},
        timeout=30,
    )
    assert ok.json()["success"] is True


def test_refusals_are_readable_and_http_200(lnupload_url):
    cases = [
        requests.get(f"{lnupload_url}/nothing-here", timeout=10),
        requests.post(f"{lnupload_url}/getInvoice", timeout=10),
        requests.post(f"{lnupload_url}/getSignedUrl", data="not json", timeout=10),
        requests.post(f"{lnupload_url}/getSignedUrl", json={"payment-hash": "00" * 32}, timeout=10),
        requests.post(f"{lnupload_url}/checkUploadedFile", files={"data": ("a", b"a")}, timeout=10),
    ]
    for response in cases:
        assert response.status_code == 200, response.url
        body = response.json()
        assert body["success"] is False and body["message"] and "Traceback" not in body["message"]


def test_browsers_may_call_it_with_the_payment_hash_header(lnupload_url):
    preflight = requests.options(
        f"{lnupload_url}/checkUploadedFile",
        headers={
            "Origin": "https://app.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "payment-hash",
        },
        timeout=10,
    )
    assert preflight.status_code == 204
    assert "payment-hash" in preflight.headers["Access-Control-Allow-Headers"]
    response = requests.get(f"{lnupload_url}/getInvoice", headers={"Origin": "https://app.example"}, timeout=10)
    assert response.headers["Access-Control-Allow-Origin"] == "*"
