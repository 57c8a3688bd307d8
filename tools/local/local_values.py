"""Values the local stack uses where production reads secrets. Not secrets: local only."""

LOCAL_SECRETS = {
    # The dev console's Lightning wallet accepts exactly this invoice key.
    "LightningApiKeySecret": "local-lnbits-invoice-key",
    # The local Stripe server accepts any sk_test_ key; it signs webhooks with this secret.
    "StripeSecretKeySecret": "sk_test_local",
    "StripeWebhookSecretSecret": "whsec_local_bank2xls",
    # cinq: the admin key the README documents, and the BTCPay store the console emulates.
    "CinqAdminApiKeySecret": "local-admin-key",
    "CinqJwtSecret": "local-cinq-jwt-signing-key-0123456789abcdef",
    "CinqStripeWebhookSecretSecret": "whsec_local_cinq",
    "BtcpayApiKeySecret": "local-btcpay-api-key",
    "BtcpayWebhookSecretSecret": "local-btcpay-webhook-secret",
}

BTCPAY_STORE_ID = "local-store"

# The local stack's own ports (the APIs' are their `Metadata.LocalPort` in template.yaml). samconfig.toml's
# local overrides, README and the Makefile's help repeat them: tests/unit/test_pinned_copies.py pins those.
MOTO_PORT = 3900
FAULTS_PORT = 3901  # the fault proxy in front of moto (make run FAULTS=1)
STRIPE_PORT = 3910
CONSOLE_PORT = 3999
CONSOLE_URL = f"http://127.0.0.1:{CONSOLE_PORT}"
