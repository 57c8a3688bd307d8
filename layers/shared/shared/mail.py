"""E-mail through SES (v2 API); the sender is an identity the template declares."""

from __future__ import annotations

from functools import partial

from shared.aws import client
from shared.lifecycle import at_init

at_init(partial(client, "sesv2"))


def send_mail(sender: str, to: str, subject: str, text: str, html: str) -> str:
    answer = client("sesv2").send_email(
        FromEmailAddress=sender,
        Destination={"ToAddresses": [to]},
        Content={
            "Simple": {
                "Subject": {"Data": subject, "Charset": "UTF-8"},
                "Body": {"Text": {"Data": text, "Charset": "UTF-8"}, "Html": {"Data": html, "Charset": "UTF-8"}},
            }
        },
    )
    return str(answer.get("MessageId", ""))
