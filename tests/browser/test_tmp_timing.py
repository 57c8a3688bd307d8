import time

from playwright.sync_api import expect

from tests.browser.test_bank2xls_pages import sign_in


def test_timing(page, bank2xls_url, email, mailbox):
    sign_in(page, bank2xls_url, email, mailbox)
    page.goto(f"{bank2xls_url}/billing")
    page.locator('button[data-plan="monthly_100"]').click()
    page.get_by_role("button", name="Payer 19,99\u00a0€").or_(
        page.get_by_role("button", name=__import__("re").compile("^Payer"))
    ).click()
    t0 = time.monotonic()
    expect(page).to_have_url(f"{bank2xls_url}/billing?checkout=success")
    t1 = time.monotonic()
    api_ok = page_ok = None
    while time.monotonic() - t0 < 14:
        now = time.monotonic() - t0
        if (
            api_ok is None
            and page.request.get(f"{bank2xls_url}/api/credits/balance").json()["paidCredits"]["balance"] == 100
        ):
            api_ok = now
        if page_ok is None and page.locator("#balance").text_content() == "100":
            page_ok = now
        if api_ok and page_ok:
            break
        time.sleep(0.05)
    print(f"\nTIMING redirect={t1 - t0:.2f} api={api_ok} page={page_ok}")
