"""Values the local stack uses where production reads secrets. Not secrets: local only."""

LOCAL_SECRETS = {
    # The dev console's Lightning wallet accepts exactly this invoice key.
    "LightningApiKeySecret": "local-lnbits-invoice-key",
    # The local Stripe server accepts any sk_test_ key; it signs webhooks with this secret.
    "StripeSecretKeySecret": "sk_test_local",
    "StripeWebhookSecretSecret": "whsec_local_bank2xls",
}

MOTO_PORT = 3900
STRIPE_PORT = 3910
CONSOLE_PORT = 3999
