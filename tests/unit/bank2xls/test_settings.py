import json

import pytest
from pydantic import ValidationError

from bank2xls.settings import Bank2xlsSettings

BASE = {
    "table_name": "t12",
    "bucket_name": "b12",
    "mail_sender": "a@b.co",
    "stripe_secret_key_secret": "s",
    "stripe_webhook_secret_secret": "w",
    "otp_pepper_secret": "p",
    "app_url": "http://x",
}


def test_plans_are_json_with_credits_amount_and_lookup_key():
    plans = json.dumps({"monthly_100": {"credits": 100, "amount": 1999, "currency": "eur", "lookupKey": "k"}})
    settings = Bank2xlsSettings.model_validate({**BASE, "plans": plans, "secure_cookies": "false"})
    assert settings.plans["monthly_100"].credits == 100 and settings.plans["monthly_100"].lookup_key == "k"
    assert settings.secure_cookies is False


def test_a_broken_plan_configuration_fails_at_cold_start():
    with pytest.raises(ValidationError):
        Bank2xlsSettings.model_validate({**BASE, "plans": '{"x": {"credits": 0}}'})
