"""Values the local stack uses where production reads secrets. Not secrets: local only."""

LOCAL_SECRETS = {
    # The dev console's Lightning wallet accepts exactly this invoice key.
    "LightningApiKeySecret": "local-lnbits-invoice-key",
}

MOTO_PORT = 3900
CONSOLE_PORT = 3999
