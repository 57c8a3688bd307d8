"""bank2xls handlers on moto: a Browser keeps the cookies the API sets, like a real one."""

from __future__ import annotations

import re

import pytest
from moto.core import DEFAULT_ACCOUNT_ID
from moto.ses.models import ses_backends

from bank2xls.settings import settings
from tests.integration import conftest as integration
from tests.integration.conftest import fresh_ip, use_function_environment
from tools.local.stripe_fake import StripeFake
from tools.local.template import Template


@pytest.fixture
def bank2xls(monkeypatch: pytest.MonkeyPatch, template: Template, aws_mock: None, stripe_fake: StripeFake) -> None:
    use_function_environment(
        monkeypatch, template, "Bank2xlsHealthFunction", SECURE_COOKIES="false", STRIPE_API_BASE=stripe_fake.base_url
    )
    settings.cache_clear()
    for plan in settings().plans.values():
        stripe_fake.ensure_price(plan.lookup_key, plan.amount, plan.currency, "month", plan.name)
    yield
    settings.cache_clear()


class Browser(integration.Client):
    """Calls handlers with the events/ files and the cookies previous answers set; its own address, so per-IP
    limits of one test never touch another."""

    api = "bank2xls"

    def __init__(self, source_ip: str | None = None) -> None:
        super().__init__(source_ip=source_ip or fresh_ip())

    def sign_in(self, email: str) -> integration.Answer:
        assert self.call("otp_request", {"email": email}).status == 200
        return self.call("otp_verify", {"email": email, "otp": last_code(email)})


def last_code(email: str) -> str:
    sent = ses_backends[DEFAULT_ACCOUNT_ID]["us-east-1"].sent_messages
    mine = [message for message in sent if email in message.destinations["ToAddresses"]]
    return re.search(r"\b(\d{6})\b", mine[-1].subject).group(1)


@pytest.fixture
def browser(bank2xls: None) -> Browser:
    return Browser()
