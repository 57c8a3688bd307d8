"""cinq: waitlist, gift codes, accounts with JWT, a five-person circle, messages, BTCPay (specs/cinq.md)."""
