"""The dev console as a developer uses it: pay an invoice, complete a checkout, read a code, settle a BTCPay
invoice on its checkout page and redeliver its webhook."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import pytest
import requests
from playwright.sync_api import Page, expect

from tests.e2e.conftest import base_url
from tests.e2e.test_bank2xls import signed_in

pytestmark = [pytest.mark.e2e, pytest.mark.browser]


def test_paying_a_lightning_invoice(page: Page, console_url: str, lnupload_url: str) -> None:
    # Given an unpaid lnupload invoice
    payment_hash = requests.get(f"{lnupload_url}/getInvoice", timeout=10).json()["payment_hash"]
    page.goto(f"{console_url}/#lightning")
    invoice = page.locator(f'tr[data-hash="{payment_hash}"]')
    expect(invoice.locator("td").nth(4)).to_have_text("pending")

    # When it is paid from the console
    invoice.get_by_role("button", name="Pay").click()

    # Then the console and lnupload both see it paid
    expect(invoice.locator("td").nth(4)).to_have_text("paid")
    answer = requests.post(f"{lnupload_url}/getSignedUrl", json={"payment-hash": payment_hash}, timeout=10).json()
    assert answer["success"] is True


def test_reading_the_sign_in_code_in_a_mail(page: Page, console_url: str, bank2xls_url: str, screenshots: Path) -> None:
    # Given a sign-in code mailed by bank2xls
    email = f"console-{uuid.uuid4().hex[:10]}@example.com"
    requests.post(f"{bank2xls_url}/api/auth/otp/request", json={"email": email}, timeout=10).raise_for_status()
    code = requests.get(f"{console_url}/mail", params={"to": email}, timeout=10).json()["messages"][0]["codes"][0]

    # When the developer picks the address in the mail tab
    page.goto(f"{console_url}/#mail")
    page.get_by_role("button", name=re.compile(re.escape(email))).click()

    # Then the message shows, its code highlighted, in the rendered mail too
    message = page.locator("article.message")
    expect(message).to_have_count(1)
    expect(message.locator("h3")).to_contain_text(code)
    expect(message.locator("mark.code")).to_have_text(code)
    expect(page.frame_locator("article.message iframe").locator("mark.code").first).to_have_text(code)
    page.screenshot(path=screenshots / "console-mail.png", full_page=True)

    # And the message opens on its own page
    with page.context.expect_page() as opened:
        message.get_by_role("link", name="open the message").click()
    expect(opened.value.locator("mark.code").first).to_have_text(code)


def test_completing_a_checkout_and_resending_a_webhook(
    page: Page, console_url: str, bank2xls_url: str, screenshots: Path
) -> None:
    # Given a bank2xls user with an open checkout session
    browser, email = signed_in(bank2xls_url, console_url)
    checkout = browser.post(f"{bank2xls_url}/api/billing/checkout", json={"planId": "monthly_100"}, timeout=10)
    session_id = checkout.json()["checkoutUrl"].rsplit("/", 1)[-1]
    page.context.add_cookies([{"name": c.name, "value": c.value or "", "url": bank2xls_url} for c in browser.cookies])
    page.goto(f"{console_url}/#stripe")
    session = page.locator(f'tr[data-session="{session_id}"]')
    expect(session.locator("td").nth(3)).to_have_text("open / unpaid")

    # When the developer opens its checkout page from the console and pays
    session.get_by_role("link", name="open checkout").click()
    page.get_by_role("button", name=re.compile(r"^Payer")).click()
    expect(page).to_have_url(f"{bank2xls_url}/billing?checkout=success")

    # Then the console shows it complete, the subscription, and the webhook deliveries with bank2xls's answers
    page.goto(f"{console_url}/#stripe")
    expect(session.locator("td").nth(3)).to_have_text("complete / paid")
    completed = page.locator("#st-deliveries tr", has_text="checkout.session.completed").first
    expect(completed).to_contain_text("HTTP 200")
    expect(page.locator("#st-customers")).to_contain_text(email)

    # When one delivery is resent
    completed.get_by_role("button", name="Resend").click()

    # Then its answer shows (already processed), and the resend is listed
    expect(page.get_by_role("status")).to_contain_text("Resent checkout.session.completed: HTTP 200")
    expect(page.locator("#st-deliveries tr", has_text="(resent)").first).to_be_visible()
    page.screenshot(path=screenshots / "console-stripe.png", full_page=True)


def test_settling_a_btcpay_invoice_on_its_checkout_page_then_redelivering(page: Page, console_url: str) -> None:
    # Given a BTCPay invoice made in the console for a buyer
    buyer = f"buyer-{uuid.uuid4().hex[:10]}@example.com"
    page.goto(f"{console_url}/#btcpay")
    page.get_by_label("buyer e-mail").fill(buyer)
    page.get_by_role("button", name="New invoice").click()
    expect(page.get_by_role("status")).to_contain_text("created")
    invoice_id = page.get_by_role("status").inner_text().split()[1]

    # When the buyer pays on the invoice's checkout page (its checkoutLink)
    page.locator(f'tr[data-invoice="{invoice_id}"]').get_by_role("link").click()
    expect(page.get_by_role("heading")).to_have_text("Pay 15.00 EUR")
    page.get_by_role("button", name=re.compile(r"^Pay")).click()
    expect(page.locator("#state")).to_contain_text("Paid")

    # Then cinq answered the webhooks, and the gift code mailed to the buyer is highlighted
    page.goto(f"{console_url}/#btcpay")
    settled = page.locator("#bp-deliveries tr", has_text="InvoiceSettled").first
    expect(settled).to_contain_text("HTTP 200")
    # When InvoiceSettled is redelivered, Then the console shows what cinq answered
    settled.get_by_role("button", name="Redeliver").click()
    expect(page.get_by_role("status")).to_contain_text("Redelivered InvoiceSettled: HTTP 200")
    expect(page.get_by_role("status")).to_contain_text("already_processed")
    page.goto(f"{console_url}/#mail")
    page.get_by_role("button", name=re.compile(re.escape(buyer))).click()
    expect(page.locator("article.message mark.code")).to_have_text(re.compile(r"^CINQ-\w{4}-\w{4}-\w{4}$"))


def test_the_console_links_each_api_docs(page: Page, console_url: str) -> None:
    page.goto(console_url)
    for api in ("lnupload", "bank2xls", "cinq", "invoice_api", "filestore"):
        expect(page.get_by_role("link", name=api, exact=True)).to_have_attribute("href", f"{base_url(api)}/docs")


def test_making_the_lightning_wallet_fail_from_the_faults_tab(page: Page, console_url: str, lnupload_url: str) -> None:
    page.goto(f"{console_url}/#faults")
    expect(page.locator("#faults-state")).to_contain_text("Fault injection is on")
    try:
        # When the developer makes every Lightning wallet request fail with a 503
        page.locator("#fault-service").select_option("lightning")
        page.locator("#fault-error").select_option("503")
        page.locator("#fault-rate").fill("1")
        page.get_by_role("button", name="Add rule").click()
        expect(page.locator("#fault-rules tr[data-rule]")).to_have_count(1)
        expect(page.locator("#fault-rules td").nth(2)).to_have_text("503")
        # Then lnupload answers its documented unavailable answer, and the tab counts the fault
        answer = requests.get(f"{lnupload_url}/getInvoice", timeout=30).json()
        assert answer["success"] is False and "unavailable" in answer["message"]
        expect(page.locator('#fault-stats tr[data-service="lightning"] td').nth(3)).not_to_have_text("0")
        # When the rules are cleared, Then invoices are issued again
        page.get_by_role("button", name="No fault").click()
        expect(page.locator("#fault-rules tr[data-rule]")).to_have_count(0)
        assert requests.get(f"{lnupload_url}/getInvoice", timeout=30).json()["success"] is True
    finally:
        requests.delete(f"{console_url}/faults", timeout=10)
