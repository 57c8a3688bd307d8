import bolt11

from tools.local.lightning import FakeWallet


def test_invoices_are_real_signed_bolt11_for_the_requested_amount():
    wallet = FakeWallet("key")
    status, created = wallet.create("key", {"out": False, "amount": 250, "memo": "hello", "expiry": 600})
    assert status == 201
    decoded = bolt11.decode(created["bolt11"])
    assert decoded.payment_hash == created["payment_hash"]
    assert decoded.amount_msat == 250_000 and decoded.description == "hello" and decoded.expiry == 600
    assert decoded.payee == wallet.node_key.public_key.format().hex()  # signature recovers our node key
    assert created["payment_request"].startswith("lnbcrt")


def test_lnbits_answers_for_keys_unknown_hashes_and_payment():
    wallet = FakeWallet("key")
    assert wallet.create("wrong", {"amount": 1}) == (404, {"detail": "Wallet not found."})
    assert wallet.status("key", "00" * 32)[0] == 404
    _, created = wallet.create("key", {"out": False, "amount": 1, "memo": ""})
    assert wallet.status(None, created["payment_hash"]) == (200, {"paid": False, "preimage": None})
    assert wallet.pay(created["payment_hash"])[0] == 200
    _status, answer = wallet.status("key", created["payment_hash"])
    assert answer["paid"] is True and answer["details"]["status"] == "success"
