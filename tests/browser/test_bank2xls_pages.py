"""The bank2xls pages as a visitor uses them, in headless Chromium against the local server.

Each test has its own browser context (no cookies carried over) and its own e-mail address.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import Mailbox

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

EUROS_19_99 = re.compile(r"19,99\s€")  # fr-FR puts a narrow no-break space before the sign


def sign_in(page: Page, base: str, email: str, mailbox: Mailbox) -> None:
    """Through the home page's form: e-mail, code from the mail, then the dashboard."""
    page.goto(f"{base}/")
    page.get_by_label("Adresse email").fill(email)
    page.get_by_role("button", name="Recevoir un code").click()
    expect(page.locator("#signin-message")).to_have_text("Code envoyé par email")
    code = mailbox.code_for(email)
    page.get_by_label("Code reçu par email").fill(code)
    page.get_by_role("button", name="Se connecter").click()
    expect(page).to_have_url(f"{base}/app")


def test_anonymous_visitor_uses_the_free_daily_conversion_once(page: Page, bank2xls_url: str) -> None:
    # Given a visitor without any session on the home page
    page.goto(f"{bank2xls_url}/")
    remaining = page.locator("#free-remaining")
    expect(remaining).to_have_text("1")
    message = page.locator("#free-message")

    # When they use the free conversion
    page.get_by_role("button", name="Essayer une conversion gratuite").click()

    # Then it is done and none is left today
    expect(message).to_have_text("Conversion effectuée (crédit gratuit du jour utilisé).")
    expect(message).to_have_class("message ok")
    expect(remaining).to_have_text("0")

    # When they try a second one
    page.get_by_role("button", name="Essayer une conversion gratuite").click()

    # Then the daily quota refusal shows, in French
    expect(message).to_have_text("Quota quotidien gratuit dépassé")
    expect(message).to_have_class("message error")
    expect(remaining).to_have_text("0")

    # And the dashboard sends them back to the sign-in form
    page.goto(f"{bank2xls_url}/app")
    expect(page).to_have_url(f"{bank2xls_url}/?next=/app")
    expect(page.get_by_role("heading", name="Se connecter")).to_be_visible()
    expect(page.get_by_label("Adresse email")).to_be_visible()
    expect(page.get_by_role("link", name="Se déconnecter")).to_be_hidden()


def test_sign_in_with_the_mailed_code_lands_on_the_dashboard(
    page: Page, bank2xls_url: str, email: str, mailbox: Mailbox
) -> None:
    # Given a new visitor on the home page
    page.goto(f"{bank2xls_url}/")
    expect(page.get_by_label("Code reçu par email")).to_be_hidden()

    # When they ask for a code with their address
    page.get_by_label("Adresse email").fill(email)
    page.get_by_role("button", name="Recevoir un code").click()

    # Then the page says it was sent and asks for it
    expect(page.locator("#signin-message")).to_have_text("Code envoyé par email")
    expect(page.get_by_label("Code reçu par email")).to_be_visible()

    # When they type the code from the mail
    page.get_by_label("Code reçu par email").fill(mailbox.code_for(email))
    page.get_by_role("button", name="Se connecter").click()

    # Then they land on the dashboard, signed in, with no credits and no subscription yet
    expect(page).to_have_url(f"{bank2xls_url}/app")
    expect(page.locator("#balance")).to_have_text("0")
    expect(page.locator("#subscription")).to_have_text("aucun")
    expect(page.locator("#history tr")).to_have_count(0)
    expect(page.get_by_role("link", name="Se déconnecter")).to_be_visible()


def test_subscribing_credits_the_account_and_a_conversion_uses_one(
    page: Page, bank2xls_url: str, email: str, mailbox: Mailbox, screenshots: Path
) -> None:
    # Given a signed-in user without a subscription on the billing page
    sign_in(page, bank2xls_url, email, mailbox)
    page.goto(f"{bank2xls_url}/billing")
    expect(page.locator("#subscription")).to_have_text("aucun")
    expect(page.locator("#no-invoices")).to_be_visible()

    # When they subscribe to the monthly plan and pay on the checkout page
    page.locator('button[data-plan="monthly_100"]').click()
    expect(page).to_have_url(re.compile(r"/stripe/checkout/[\w-]+$"))
    page.get_by_role("button", name=re.compile(r"^Payer")).click()

    # Then they are back on the billing page, which shows the subscription, the credits and the invoice
    expect(page).to_have_url(f"{bank2xls_url}/billing?checkout=success")
    expect(page.locator("#subscription")).to_have_text("actif (monthly_100)")
    expect(page.locator("#balance")).to_have_text("100")
    expect(page.locator("#billing-message")).to_have_text("Paiement reçu : vos crédits sont disponibles.")
    expect(page.locator("#plans")).to_be_hidden()  # no second subscription
    invoices = page.locator("#invoices tr")
    expect(invoices).to_have_count(1)
    expect(invoices.first.locator("td").nth(1)).to_have_text(EUROS_19_99)
    expect(invoices.first.locator("td").nth(2)).to_have_text("payée")
    expect(invoices.first.get_by_role("link", name="Voir")).to_be_visible()
    expect(page.locator("#no-invoices")).to_be_hidden()
    page.screenshot(path=screenshots / "billing.png", full_page=True)

    # When they convert a statement from the dashboard
    page.get_by_role("link", name="Tableau de bord").click()
    expect(page).to_have_url(f"{bank2xls_url}/app")
    expect(page.locator("#balance")).to_have_text("100")
    expect(page.locator("#subscription")).to_have_text("actif (monthly_100)")
    file_name = f"releve-{email.split('@')[0]}.pdf"
    page.get_by_label("Nom du fichier").fill(file_name)
    page.get_by_role("button", name="Convertir").click()

    # Then one credit is used and the history lists the file
    expect(page.locator("#convert-message")).to_have_text("Conversion effectuée. Nouveau solde : 99")
    expect(page.locator("#balance")).to_have_text("99")
    history = page.locator("#history tr")
    expect(history).to_have_count(1)
    expect(history.first.locator("td").nth(1)).to_have_text(file_name)
    expect(history.first.locator("td").nth(3)).to_have_text("1")
    expect(history.first.locator("td").nth(4)).to_have_text("success")


def test_cancelling_in_the_portal_shows_the_end_date(
    page: Page, bank2xls_url: str, email: str, mailbox: Mailbox
) -> None:
    # Given a subscribed user on the billing page
    sign_in(page, bank2xls_url, email, mailbox)
    page.goto(f"{bank2xls_url}/billing")
    page.locator('button[data-plan="monthly_100"]').click()
    page.get_by_role("button", name=re.compile(r"^Payer")).click()
    expect(page.locator("#subscription")).to_have_text("actif (monthly_100)")

    # When they cancel in the billing portal and come back
    page.get_by_role("button", name="Gérer mon abonnement").click()
    page.get_by_role("button", name="Résilier").click()
    expect(page.get_by_text(re.compile(r"Résilié, prend fin le"))).to_be_visible()
    page.get_by_role("link", name="Retour au site").click()

    # Then the page says when the subscription ends, and no next invoice
    expect(page).to_have_url(f"{bank2xls_url}/billing?portal=return")
    expect(page.locator("#subscription")).to_have_text(
        re.compile(r"^résilié, prend fin le \d{2}/\d{2}/\d{4} \(monthly_100\)$")
    )
    expect(page.locator("#next-invoice")).to_have_text("—")


def test_insufficient_credits_link_to_billing(page: Page, bank2xls_url: str, email: str, mailbox: Mailbox) -> None:
    # Given a signed-in user without credits on the dashboard
    sign_in(page, bank2xls_url, email, mailbox)

    # When they try to convert
    page.get_by_role("button", name="Convertir").click()

    # Then the refusal links to the billing page
    expect(page.locator("#convert-message")).to_contain_text("Crédits insuffisants")
    page.get_by_role("link", name="Acheter des crédits").click()
    expect(page).to_have_url(f"{bank2xls_url}/billing")


def test_logout_returns_home_and_closes_the_dashboard(
    page: Page, bank2xls_url: str, email: str, mailbox: Mailbox
) -> None:
    # Given a signed-in user on the dashboard
    sign_in(page, bank2xls_url, email, mailbox)
    expect(page.locator("#balance")).to_have_text("0")

    # When they click the logout link
    page.get_by_role("link", name="Se déconnecter").click()

    # Then they are on the home page, signed out
    expect(page).to_have_url(f"{bank2xls_url}/")
    expect(page.get_by_label("Adresse email")).to_be_visible()
    expect(page.get_by_role("link", name="Se déconnecter")).to_be_hidden()

    # And the dashboard redirects to the sign-in form again
    page.goto(f"{bank2xls_url}/app")
    expect(page).to_have_url(f"{bank2xls_url}/?next=/app")
    expect(page.get_by_label("Adresse email")).to_be_visible()
