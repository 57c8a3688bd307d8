"""bank2xls: e-mail OTP sessions, credits, Stripe billing, conversion history, pages (specs/bank2xls.md)."""
