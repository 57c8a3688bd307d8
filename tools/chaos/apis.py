"""Each API's documented journeys under faults, what the clients were told, and the invariants checked
against the data afterwards.

A journey is one user's visit (the e2e flows), each request retried while the API answers "unavailable".
What a client was told is done (an upload, a debit, a message, an invoice) goes into the API's ledger; the
checks then hold the ledger against the tables, buckets, sent mail and the payment fakes: nothing told done
is missing, nothing is there twice, and the counters agree with what they count.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import threading
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import requests

from tools import seed
from tools.chaos.client import Client, Envelope, Unfinished
from tools.chaos.data import Data, moto_client
from tools.local.local_values import LOCAL_SECRETS
from tools.local.template import Template

Step = Callable[[Client], None]


@dataclass
class Check:
    """One invariant: how many things it looked at, and what broke it (nothing: it holds)."""

    name: str
    checked: int = 0
    failures: list[str] = field(default_factory=list)

    def expect(self, condition: bool, failure: str) -> None:
        self.checked += 1
        if not condition:
            self.failures.append(failure)

    @property
    def passed(self) -> bool:
        return not self.failures


class Api:
    """One API's journeys (run in phases, every client finishing one before the next) and its checks."""

    name: str
    envelope: Envelope

    def __init__(self, run: str) -> None:
        self.run = run  # in every name this run creates: its data is told apart from any other
        self.lock = threading.Lock()
        self.notes: list[str] = []  # what the report shows besides the checks

    def prepare(self, users: int) -> None:
        """Unmeasured set-up before the journeys."""

    def phases(self) -> list[Step]:
        raise NotImplementedError

    def settle(self, console: str) -> None:
        """After the faults are off: what the providers would still deliver (webhooks retried for days)."""

    def checks(self, data: Data) -> list[Check]:
        raise NotImplementedError


def _envelope_code(body: Any) -> str | None:
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        return str(body["error"].get("code"))
    return None


def _newest_code(client: Client, address: str, pattern: str) -> str:
    messages = client.on_console("GET", "/mail", params={"to": address}).json()["messages"]
    for message in messages:
        found = re.search(pattern, f"{message['subject']} {message['text']}")
        if found:
            return found.group(1)
    raise Unfinished(f"no mail with a code for {address}")


# ----------------------------------------------------------------------------------------------- lnupload
def _lnupload_envelope() -> Envelope:
    from lnupload.errors import PaymentBackendUnavailable, ServiceUnavailable

    unavailable = {ServiceUnavailable.message, PaymentBackendUnavailable.message}
    return Envelope(
        "lnupload",
        unavailable=lambda answer, body: (
            isinstance(body, dict) and body.get("success") is False and body.get("message") in unavailable
        ),
        documented_5xx=lambda answer, body: False,
        always_200=True,
    )


class Lnupload(Api):
    name = "lnupload"

    def __init__(self, run: str) -> None:
        super().__init__(run)
        self.envelope = _lnupload_envelope()
        self.uploads: dict[str, tuple[bytes, str]] = {}  # payment hash -> (content, url answered)
        self.doubles: list[str] = []

    def phases(self) -> list[Step]:
        return [self.journey]

    def journey(self, client: Client) -> None:
        invoice = _succeeded(client.call("GET", "/getInvoice"))
        check = {"payment-hash": invoice["payment_hash"]}
        client.call("POST", "/getSignedUrl", json=check)  # not paid yet: success false, documented
        client.on_console("POST", f"/lightning/invoices/{invoice['payment_hash']}/pay")
        _succeeded(client.call("POST", "/getSignedUrl", json=check))
        photo = b"\xff\xd8\xff\xe0" + client.random.randbytes(8_000) + b"\xff\xd9"
        files = {"data": ("photo.jpg", photo, "image/jpeg")}
        uploaded = _succeeded(client.call("POST", "/checkUploadedFile", headers=check, files=files))
        with self.lock:
            self.uploads[invoice["payment_hash"]] = (photo, uploaded["url"])
        again = client.call("POST", "/checkUploadedFile", headers=check, files=files).json()
        if again["success"]:
            with self.lock:
                self.doubles.append(invoice["payment_hash"])

    def checks(self, data: Data) -> list[Check]:
        invoices = {item["payment_hash"]: item for item in data.items("LnuploadTable")}
        uploaded = Check("every upload answered success is the invoice's one file, byte for byte")
        for payment_hash, (content, url) in self.uploads.items():
            item = invoices.get(payment_hash, {})
            key = item.get("file_key")
            uploaded.expect(
                key is not None and item.get("file_url") == url and data.content("LnuploadBucket", key) == content,
                f"invoice {payment_hash[:12]}: file {key} / {item.get('file_url')} is not what {url} was answered",
            )
        once = Check("one payment, one upload: a second upload is refused")
        once.expect(not self.doubles, f"second uploads accepted for {self.doubles}")
        once.checked = len(self.uploads)
        linked = {item.get("file_key") for item in invoices.values()}
        orphans = [key for key in data.keys("LnuploadBucket", "public/") if key not in linked]
        if orphans:
            self.notes.append(f"{len(orphans)} object(s) linked to no invoice (a removal S3 refused: storage only)")
        return [uploaded, once]


def _succeeded(answer: requests.Response) -> dict[str, Any]:
    body: dict[str, Any] = answer.json()
    if body.get("success") is not True:
        raise Unfinished(f"{answer.request.method} {answer.request.path_url}: {body}")
    return body


# ----------------------------------------------------------------------------------------------- bank2xls
def _bank2xls_envelope() -> Envelope:
    def documented(answer: requests.Response, body: Any) -> bool:
        return (answer.status_code, _envelope_code(body)) in ((503, "SERVICE_UNAVAILABLE"), (502, "STRIPE_ERROR"))

    return Envelope("bank2xls", unavailable=documented, documented_5xx=documented)


@dataclass
class Bank2xlsUser:
    email: str
    user_id: str = ""
    otp_sent: int = 0
    debited: set[str] = field(default_factory=set)  # requestIds answered 200
    subscribed: bool = False


class Bank2xls(Api):
    name = "bank2xls"

    def __init__(self, run: str) -> None:
        super().__init__(run)
        self.envelope = _bank2xls_envelope()
        self.users: list[Bank2xlsUser] = []

    def phases(self) -> list[Step]:
        return [self.journey]

    def journey(self, client: Client) -> None:
        client.call("GET", "/api/credits/balance")
        free = {"reason": "bank2xls_conversion", "requestId": f"free-{uuid.uuid4().hex}", "fileName": "releve.pdf"}
        client.call("POST", "/api/credits/consume", json=free)
        if client.chance(0.3):
            return  # an anonymous visit
        user = Bank2xlsUser(f"chaos-{self.run}-{client.number}@example.com")
        with self.lock:
            self.users.append(user)
        user.user_id = self._sign_in(client, user)
        balance = client.call("GET", "/api/credits/balance").json()
        if client.chance(0.7):
            checkout = client.call("POST", "/api/billing/checkout", json={"planId": "monthly_100"}).json()
            session = checkout["checkoutUrl"].rsplit("/", 1)[-1]
            client.on_console("POST", f"/stripe/checkout/sessions/{session}/complete")
            user.subscribed = True
            for _ in range(40):  # the credits come by webhook, retried by Stripe while it is refused
                time.sleep(0.5)
                balance = client.call("GET", "/api/credits/balance").json()
                if balance["paidCredits"]["balance"]:
                    break
        for turn in range(3):
            request_id = f"{user.user_id}-{turn}"
            body = {"reason": "bank2xls_conversion", "requestId": request_id, "metadata": {"fileSize": 4096}}
            if client.call("POST", "/api/credits/consume", json=body, expect=(200, 402)).status_code == 200:
                user.debited.add(request_id)
        client.call("GET", "/api/conversions/history?limit=10")
        client.call("POST", "/api/auth/logout")

    def _sign_in(self, client: Client, user: Bank2xlsUser) -> str:
        """A code, then the sign-in. A verification that failed used nothing up (its code, the account and the
        sign-in are one transaction): its retry must sign in, unless the retries spent the code's five tries."""
        for _ in range(3):
            client.call("POST", "/api/auth/otp/request", json={"email": user.email})
            user.otp_sent += 1
            code = _newest_code(client, user.email, r"\b(\d{6})\b")
            answer = client.call(
                "POST", "/api/auth/otp/verify", json={"email": user.email, "otp": code}, after_retry=(429,)
            )
            if answer.status_code == 200:
                return str(answer.json()["userId"])
        raise Unfinished(f"{user.email}: could not sign in")

    def settle(self, console: str) -> None:
        settle_stripe(console)

    def checks(self, data: Data) -> list[Check]:
        items = data.by_prefix("Bank2xlsTable")
        profiles = {item["user_id"]: item for item in items["USER"] if item.get("sk") == "PROFILE"}
        credited: dict[str, int] = defaultdict(int)
        for item in items["STRIPE_INVOICE"]:
            credited[item["user_id"]] += int(item["credits"])
        conversions: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for item in items["CONVERSIONS"]:
            conversions[str(item["pk"]).split("#", 1)[1]].append(item)
        return [
            *self._users(items, profiles, credited, conversions),
            _free_credits(items, conversions),
            self._webhooks(data, items, profiles, credited),
        ]

    def _users(
        self,
        items: dict[str, list[dict[str, Any]]],
        profiles: dict[str, dict[str, Any]],
        credited: dict[str, int],
        conversions: dict[str, list[dict[str, Any]]],
    ) -> list[Check]:
        records: Counter[str] = Counter(str(item["pk"]).split("#")[1] for item in items["IDEMPOTENCY"])
        otp_hits: Counter[str] = Counter()
        for item in items["RATE"]:
            parts = str(item["pk"]).split("#")  # RATE#otp-email#<email>#<window start>
            if parts[1] == "otp-email":
                otp_hits[parts[2]] += int(item.get("hits", 0))
        owners: Counter[str] = Counter(str(item["pk"]).split("#", 1)[1] for item in items["EMAIL"])
        balance = Check("balance = credits granted - paid conversions")
        debits = Check("one debit, one conversion record, one idempotency record per requestId answered 200")
        accounts = Check("one account per address")
        otp = Check("a code that could not be sent does not count against the address's limit")
        for user in (user for user in self.users if user.user_id):
            made, spent = conversions[user.user_id], sum(int(item["cost"]) for item in conversions[user.user_id])
            stored = int(profiles.get(user.user_id, {}).get("balance", -1))
            balance.expect(
                stored == credited[user.user_id] - spent,
                f"{user.email}: balance {stored}, granted {credited[user.user_id]}, spent {spent}",
            )
            debits.expect(
                len(made) == records[user.user_id] == len(user.debited),
                f"{user.email}: {len(made)} conversions, {records[user.user_id]} records, "
                f"{len(user.debited)} debits answered",
            )
            accounts.expect(
                owners[user.email] == 1 and profiles.get(user.user_id, {}).get("email") == user.email,
                f"{user.email}: {owners[user.email]} address record(s)",
            )
            otp.expect(
                otp_hits[user.email] == user.otp_sent,
                f"{user.email}: {otp_hits[user.email]} requests counted, {user.otp_sent} codes sent",
            )
        return [balance, debits, accounts, otp]

    def _webhooks(
        self,
        data: Data,
        items: dict[str, list[dict[str, Any]]],
        profiles: dict[str, dict[str, Any]],
        credited: dict[str, int],
    ) -> Check:
        webhooks = Check("every paid Stripe invoice credited once (events redelivered until recorded)")
        credited_invoices = {str(item["pk"]).split("#", 1)[1] for item in items["STRIPE_INVOICE"]}
        customers = {profiles.get(user.user_id, {}).get("stripe_customer_id") for user in self.users}
        customers.discard(None)
        for invoice in data.stripe["invoices"]:
            if invoice["customer"] in customers and invoice["status"] == "paid":
                webhooks.expect(invoice["id"] in credited_invoices, f"Stripe invoice {invoice['id']} never credited")
        for user in (user for user in self.users if user.subscribed and user.user_id):
            webhooks.expect(
                credited[user.user_id] == 100, f"{user.email}: {credited[user.user_id]} credits granted for one payment"
            )
        return webhooks


def _free_credits(items: dict[str, list[dict[str, Any]]], conversions: dict[str, list[dict[str, Any]]]) -> Check:
    free = Check("one free conversion per session and day, with its record")
    used: Counter[str] = Counter(str(item["pk"]).split("#")[1] for item in items["FREE"])
    for owner, made in conversions.items():
        anonymous = [item for item in made if not item.get("user_id")]
        if anonymous:
            free.expect(len(anonymous) == used[owner], f"session {owner[:8]}: {len(anonymous)} free conversions")
    return free


def settle_stripe(console: str, rounds: int = 5) -> None:
    """Stripe retries a refused event for days: resend each event no delivery of which was accepted."""
    for _ in range(rounds):
        deliveries = _quiet(lambda: requests.get(f"{console}/stripe/overview", timeout=60).json()["deliveries"])
        accepted = {d["event_id"] for d in deliveries if d["status"] and 200 <= d["status"] < 300}
        refused = {d["event_id"]: d for d in reversed(deliveries) if d["event_id"] not in accepted}  # the newest
        if not refused:
            return
        for delivery in refused.values():
            requests.post(f"{console}/stripe/deliveries/{delivery['id']}/resend", timeout=60)


def _quiet(read: Callable[[], Any], still: float = 4.0, limit: float = 90.0) -> Any:
    """`read()` once it has not changed for `still` seconds (deliveries in flight have settled)."""
    deadline = time.monotonic() + limit
    last, since = read(), time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(1)
        now = read()
        if now != last:
            last, since = now, time.monotonic()
        elif time.monotonic() - since >= still:
            break
    return last


# ----------------------------------------------------------------------------------------------- cinq
def _cinq_envelope() -> Envelope:
    def documented(answer: requests.Response, body: Any) -> bool:
        code = body.get("code") if isinstance(body, dict) and body.get("success") is False else None
        return (answer.status_code, code) in ((503, "SERVICE_UNAVAILABLE"), (502, "PAYMENT_PROVIDER_ERROR"))

    return Envelope("cinq", unavailable=documented, documented_5xx=documented)


PING = "💫"  # what a ping's message holds
CINQ_PASSWORD = "SecurePass123"  # noqa: S105 - the spec's example, local accounts only
CODE = r"\b(CINQ-[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4})\b"


@dataclass
class CinqMember:
    email: str
    code: str = ""
    user_id: str = ""
    token: str = ""
    sent: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))  # to -> contents answered 201


class Cinq(Api):
    name = "cinq"

    def __init__(self, run: str) -> None:
        super().__init__(run)
        self.envelope = _cinq_envelope()
        self.joined: list[str] = []
        self.members: dict[int, CinqMember] = {}
        self.payments: dict[str, str] = {}  # purchase order (Stripe session, BTCPay invoice) -> buyer address

    def phases(self) -> list[Step]:
        return [self.arrive, self.circle]

    def arrive(self, client: Client) -> None:
        """A launch-day visitor joins the waitlist, then buys a code (Stripe or BTCPay) or gets one from an
        admin, registers and logs in."""
        email = f"chaos-{self.run}-{client.number}@example.com"
        client.call("GET", "/api/waitlist")
        body = {"email": email, "referrer": "chaos", "utm_campaign": "faults"}
        client.call("POST", "/api/waitlist", json=body, expect=(201,))  # a stored sign-up is answered 201
        with self.lock:
            self.joined.append(email)
        client.call("GET", "/api/waitlist")
        member = CinqMember(email)
        kind = client.number % 3
        if kind == 1:
            member.code = self._bought_with_stripe(client, email)
        elif kind == 2:
            member.code = self._bought_with_btcpay(client, email)
        else:
            admin = {"X-API-Key": LOCAL_SECRETS["CinqAdminApiKeySecret"]}
            created = client.call("POST", "/api/gift-create", json={"amount_cents": 1500}, headers=admin, expect=(201,))
            member.code = created.json()["code"]
        if not member.code:
            return
        client.call("POST", "/api/gift-verify", json={"code": member.code})
        account = {"email": email, "password": CINQ_PASSWORD}
        client.call("POST", "/api/auth-register", json={**account, "giftCode": member.code}, expect=(201,))
        session = client.call("POST", "/api/auth-login", json=account).json()
        member.user_id, member.token = session["user"]["id"], session["session"]["access_token"]
        client.call("GET", "/api/user-profile", headers=_bearer(member))
        with self.lock:
            self.members[client.number] = member

    def _bought_with_stripe(self, client: Client, buyer: str) -> str:
        """As Stripe: a paid checkout's event, delivered until it is answered 2xx, then once more (Stripe may)."""
        session = f"cs_test_chaos_{uuid.uuid4().hex}"
        with self.lock:
            self.payments[session] = buyer
        event = {
            "id": f"evt_{uuid.uuid4().hex}",
            "object": "event",
            "type": "checkout.session.completed",
            "created": int(time.time()),
            "data": {
                "object": {
                    "id": session,
                    "object": "checkout.session",
                    "amount_total": 2000,
                    "currency": "eur",
                    "customer_details": {"email": buyer},
                    "payment_status": "paid",
                }
            },
        }
        payload = json.dumps(event)
        for _ in range(2):
            client.call("POST", "/api/gift-create", data=payload, headers=_stripe_signature(payload), expect=(200, 201))
        return _newest_code(client, buyer, CODE)

    def _bought_with_btcpay(self, client: Client, buyer: str) -> str:
        """The store's invoice, settled: BTCPay delivers its events (retrying 5xx and no answer)."""
        invoice = client.on_console(
            "POST", "/btcpay/invoices", json={"amount": "15.00", "currency": "EUR", "metadata": {"buyerEmail": buyer}}
        ).json()
        with self.lock:
            self.payments[invoice["id"]] = buyer
        settled = client.on_console("POST", f"/btcpay/invoices/{invoice['id']}/settle").json()
        if not any(d["status"] and 200 <= d["status"] < 300 for d in settled["deliveries"]):
            return ""  # not delivered yet: redelivered when the faults are off (settle), no account for this one
        return _newest_code(client, buyer, CODE)

    def circle(self, client: Client) -> None:
        """Members add two others, ping and write to them (each message unique), read the conversation."""
        member = self.members.get(client.number)
        if member is None:
            return
        others = [m for n, m in sorted(self.members.items()) if n != client.number and m.user_id]
        friends = [m for m in others if m.email > member.email][:2] or others[:2]
        bearer = _bearer(member)
        for friend in friends:
            add = {"email": friend.email}
            client.call("POST", "/api/contacts", json=add, headers=bearer, expect=(201,), after_retry=(409,))
        client.call("GET", "/api/contacts", headers=bearer)
        for friend in friends:
            for content in (None, f"chaos {uuid.uuid4().hex}"):
                body = {"contact_id": friend.user_id, **({"content": content} if content else {"is_ping": True})}
                client.call("POST", "/api/messages", json=body, headers=bearer, expect=(201,))
                member.sent[friend.user_id].append(content or PING)
            client.call("GET", f"/api/messages?contact_id={friend.user_id}", headers=bearer)
        client.call("GET", "/api/user-profile", headers=bearer)

    def settle(self, console: str) -> None:
        redeliver_btcpay(console)

    def checks(self, data: Data) -> list[Check]:
        items = data.by_prefix("CinqTable")
        return [self._waitlist(items), *self._circles(items), self._bought(data, items), self._accounts(items)]

    def _waitlist(self, items: dict[str, list[dict[str, Any]]]) -> Check:
        waitlist = Check("waitlist count = entries, one entry per address signed up")
        entries = {item["pk"] for item in items["WAITLIST"]}
        counted = sum(int(item["value"]) for item in items["COUNTER"] if str(item["pk"]).startswith("COUNTER#waitlist"))
        waitlist.expect(counted == len(entries), f"counters say {counted}, {len(entries)} entries")
        for email in self.joined:
            waitlist.expect(f"WAITLIST#{email}" in entries, f"{email}: answered signed up, no entry")
        return waitlist

    def _circles(self, items: dict[str, list[dict[str, Any]]]) -> list[Check]:
        users = {item["user_id"]: item for item in items["USER"] if item.get("sk") == "PROFILE"}
        contacts: Counter[str] = Counter()
        unread: dict[tuple[str, str], int] = {}
        for item in items["USER"]:
            sk, owner = str(item.get("sk", "")), str(item["pk"]).split("#", 1)[1]
            if sk.startswith("CONTACT#"):
                contacts[owner] += 1
            elif sk.startswith("UNREAD#"):
                unread[(owner, sk.split("#", 1)[1])] = int(item.get("received") or 0)
        messages: dict[tuple[str, str], list[str]] = defaultdict(list)  # (sender, receiver) -> contents
        for item in items["CONVERSATION"]:
            messages[(item["sender_id"], item["receiver_id"])].append(item["content"])
        counters = Check("message and contact counters = messages and contacts stored")
        once = Check("every message answered 201 stored once, none other")
        for member in (member for member in self.members.values() if member.user_id):
            profile = users.get(member.user_id, {})
            counters.expect(
                int(profile.get("contact_count", -1)) == contacts[member.user_id],
                f"{member.email}: contact_count {profile.get('contact_count')}, {contacts[member.user_id]} contacts",
            )
            sent_total = sum(len(v) for (sender, _), v in messages.items() if sender == member.user_id)
            counters.expect(
                int(profile.get("message_count", -1)) == sent_total,
                f"{member.email}: message_count {profile.get('message_count')}, {sent_total} sent",
            )
            for receiver, contents in member.sent.items():
                stored = messages[(member.user_id, receiver)]
                received = unread.get((receiver, member.user_id), 0)
                counters.expect(
                    received == len(stored),
                    f"{member.email} -> {receiver[:8]}: received counter {received}, {len(stored)} stored",
                )
                once.expect(
                    Counter(stored) == Counter(contents),
                    f"{member.email} -> {receiver[:8]}: stored {sorted(Counter(stored).items())}, "
                    f"answered {sorted(Counter(contents).items())}",
                )
        return [counters, once]

    def _bought(self, data: Data, items: dict[str, list[dict[str, Any]]]) -> Check:
        bought = Check("a bought code is minted once per payment and mailed (the same code each time)")
        for order, buyer in self.payments.items():
            minted = [gift for gift in items["GIFT"] if gift.get("purchase_order_id") == order]
            codes = {code for mail in data.mail_to(buyer) for code in re.findall(CODE, mail["text"])}
            bought.expect(
                len(minted) == 1 and len(codes) == 1,
                f"payment {order[:20]}: {len(minted)} code(s) minted, {len(codes)} different code(s) mailed",
            )
        return bought

    def _accounts(self, items: dict[str, list[dict[str, Any]]]) -> Check:
        accounts = Check("one account per registered address, opened by its gift code")
        owners = {str(item["pk"]).split("#", 1)[1]: item["user_id"] for item in items["EMAIL"]}
        for member in self.members.values():
            opened = [gift for gift in items["GIFT"] if gift.get("account_id") == member.user_id]
            accounts.expect(
                owners.get(member.email) == member.user_id and len(opened) == 1,
                f"{member.email}: owner {owners.get(member.email)}, {len(opened)} code(s) opened the account",
            )
        return accounts


def _bearer(member: CinqMember) -> dict[str, str]:
    return {"Authorization": f"Bearer {member.token}"}


def _stripe_signature(payload: str) -> dict[str, str]:
    stamp = int(time.time())
    secret = LOCAL_SECRETS["CinqStripeWebhookSecretSecret"]
    digest = hmac.new(secret.encode(), f"{stamp}.{payload}".encode(), hashlib.sha256).hexdigest()
    return {"Stripe-Signature": f"t={stamp},v1={digest}", "Content-Type": "application/json"}


def redeliver_btcpay(console: str, rounds: int = 5) -> None:
    """BTCPay goes on redelivering a refused event (10 min apart, six times): redeliver each still refused."""
    for _ in range(rounds):
        log = requests.get(f"{console}/btcpay/deliveries", params={"limit": 1000}, timeout=60).json()
        accepted = {d["originalDeliveryId"] for d in log if d["status"] and 200 <= d["status"] < 300}
        refused = {d["originalDeliveryId"]: d for d in reversed(log) if d["originalDeliveryId"] not in accepted}
        if not refused:
            return
        for delivery in refused.values():
            requests.post(f"{console}/btcpay/deliveries/{delivery['deliveryId']}/redeliver", timeout=60)


# ----------------------------------------------------------------------------------------------- invoice_api
def _invoice_api_envelope() -> Envelope:
    def documented(answer: requests.Response, body: Any) -> bool:
        return answer.status_code == 503 and isinstance(body, dict) and body.get("status") == 503

    return Envelope("invoice_api", unavailable=documented, documented_5xx=documented)


class InvoiceApi(Api):
    name = "invoice_api"
    PASSWORD = "chaos-password"  # noqa: S105 - local accounts for the run

    def __init__(self, run: str, first_account: int) -> None:
        super().__init__(run)
        self.envelope = _invoice_api_envelope()
        self.first_account = first_account
        self.expected: dict[int, dict[int, dict[str, Any]]] = defaultdict(dict)  # user -> id -> fields

    def prepare(self, users: int) -> None:
        """One account per client, written straight into the table (the API has no sign-up)."""
        accounts = [(self.first_account + number, f"chaos-{self.run}-{number}@example.com") for number in range(users)]
        seed.write_invoice_api_accounts(
            moto_client("dynamodb"), Template().physical_name("InvoiceApiTable"), accounts, "Chaos", self.PASSWORD
        )

    def phases(self) -> list[Step]:
        return [self.journey]

    def journey(self, client: Client) -> None:
        user_id, email = self.first_account + client.number, f"chaos-{self.run}-{client.number}@example.com"
        login = client.call("POST", "/api/v1/login", json={"email": email, "password": self.PASSWORD})
        auth = {"Authorization": f"Bearer {login.json()['data']['token']}"}
        client.call("GET", f"/api/v1/users/{user_id}", headers=auth)
        mine = self.expected[user_id]
        created = []
        for _ in range(3):
            kind, value = client.random.choice("PBC"), client.random.randint(1, 999)
            fields = {"user_id": user_id, "type": kind, "paid": 0, "value": value}
            answer = client.call("POST", "/api/v1/invoices", json=fields, headers=auth)
            invoice_id = int(answer.json()["data"]["id"])
            mine[invoice_id] = fields
            created.append(invoice_id)
        client.call("GET", f"/api/v1/invoices/{created[0]}", headers=auth)
        client.call("PATCH", f"/api/v1/invoices/{created[0]}", json={"paid": 1}, headers=auth)
        mine[created[0]] = {**mine[created[0]], "paid": 1}
        replacement = {"user_id": user_id, "type": "B", "paid": 0, "value": 150}
        client.call("PUT", f"/api/v1/invoices/{created[1]}", json=replacement, headers=auth)
        mine[created[1]] = replacement
        client.call("DELETE", f"/api/v1/invoices/{created[2]}", headers=auth, after_retry=(400,))
        del mine[created[2]]
        client.call("GET", f"/api/v1/invoices?user_id[eq]={user_id}", headers=auth)
        client.call("POST", "/api/v1/logout", headers=auth)

    def checks(self, data: Data) -> list[Check]:
        stored: dict[int, dict[int, dict[str, Any]]] = defaultdict(dict)
        for item in data.items("InvoiceApiTable"):
            if item.get("sk") == "INVOICE" and int(item.get("user_id", 0)) in self.expected:
                stored[int(item["user_id"])][int(item["invoice_id"])] = item
        invoices = Check("every invoice answered created holds the last change answered, deleted ones are gone")
        for user_id, expected in self.expected.items():
            invoices.expect(
                set(stored[user_id]) == set(expected),
                f"user {user_id}: stored {sorted(stored[user_id])}, answered {sorted(expected)}",
            )
            for invoice_id, fields in expected.items():
                found = stored[user_id].get(invoice_id)
                if found is None:
                    continue
                item = found
                same = (item["type"], int(item["paid"]), Decimal(item["value"])) == (
                    fields["type"],
                    fields["paid"],
                    Decimal(fields["value"]),
                )
                invoices.expect(same, f"invoice {invoice_id}: stored {item['type']}/{item['paid']}/{item['value']}")
        paid = Check("a paid invoice has its payment date, an unpaid one none")
        for per_user in stored.values():
            for invoice_id, item in per_user.items():
                paid.expect(bool(item.get("payment_date")) == (int(item["paid"]) == 1), f"invoice {invoice_id}")
        return [invoices, paid]


# ----------------------------------------------------------------------------------------------- filestore
def _filestore_envelope() -> Envelope:
    from filestore.errors import ServiceUnavailable

    def documented(answer: requests.Response, body: Any) -> bool:
        return answer.status_code == 503 and body == {"message": ServiceUnavailable.message}

    return Envelope("filestore", unavailable=documented, documented_5xx=documented)


class Filestore(Api):
    name = "filestore"
    PASSWORD = "secret1"  # noqa: S105 - local accounts only

    def __init__(self, run: str) -> None:
        super().__init__(run)
        self.envelope = _filestore_envelope()
        self.accounts: dict[str, int] = {}  # username -> id answered
        self.files: dict[str, bytes] = {}  # key -> content last answered uploaded
        self.gone: set[str] = set()
        self.mismatches: list[str] = []

    def phases(self) -> list[Step]:
        return [self.journey]

    def journey(self, client: Client) -> None:
        username = f"c{self.run}{client.number}"[:20]
        fields = {"username": username, "lastname": "Dupont", "firstname": "Jean", "password": self.PASSWORD}
        signed = client.call("POST", "/api/user/sign", json=fields).json()
        with self.lock:
            self.accounts[username] = int(signed["id"])
        login = client.call("GET", f"/api/user/login?username={username}&password={self.PASSWORD}").json()
        session = {"user_token": login["token"]}
        folder = {"disk": "main", "folder": "docs"}
        for name in ("rapport.txt", "notes.txt"):
            token = client.call("POST", "/api/files/upload/request", json={**session, **folder, "file_name": name})
            content = client.random.randbytes(2_000)
            files = {"file": (name, content, "text/plain")}
            upload = token.json()["upload_token"]
            client.call("POST", f"/api/files/upload/{upload}", params=session, files=files)
            with self.lock:
                self.files[f"main/{signed['id']}/docs/{name}"] = content
        client.call("GET", "/api/files/list", params={**session, **folder})
        target = {**session, **folder, "file_name": "rapport.txt"}
        asked = client.call("GET", "/api/files/download/request", params={**target, "timeout": 300}).json()
        fetched = client.call("GET", f"/api/files/download/{asked['download_token']}", params=session)
        if fetched.content != self.files[f"main/{signed['id']}/docs/rapport.txt"]:
            with self.lock:
                self.mismatches.append(f"{username}: the download differs from the upload")
        client.call("GET", "/api/files/disks", headers={"Authorization": f"Bearer {login['token']}"})
        if client.chance(0.5):
            client.call("DELETE", "/api/files/delete", params={**target, "file_name": "notes.txt"}, after_retry=(400,))
            with self.lock:
                self.gone.add(f"main/{signed['id']}/docs/notes.txt")

    def checks(self, data: Data) -> list[Check]:
        items = data.by_prefix("FilestoreTable")
        users = {str(item["pk"]).split("#", 1)[1]: item for item in items["USERNAME"]}
        accounts = Check("one account per username, with the id answered at sign-up")
        ids = Counter(int(item["user_id"]) for item in users.values())
        for username, user_id in self.accounts.items():
            stored = users.get(username.casefold(), {})
            accounts.expect(
                int(stored.get("user_id", -1)) == user_id and ids[user_id] == 1,
                f"{username}: stored id {stored.get('user_id')}, answered {user_id}",
            )
        files = Check("every file answered uploaded holds its content, deleted ones are gone")
        keys = set(data.keys("FilestoreBucket", "main/"))
        for key, content in self.files.items():
            if key in self.gone:
                files.expect(key not in keys, f"{key}: answered deleted, still stored")
            else:
                files.expect(data.content("FilestoreBucket", key) == content, f"{key}: not the content uploaded")
        downloads = Check("a download gives the bytes uploaded")
        downloads.checked = len(self.accounts)
        downloads.failures = list(self.mismatches)
        return [accounts, files, downloads]


def apis(run: str, first_account: int) -> dict[str, Callable[[], Api]]:
    """Each API's run, made fresh per fault rate."""
    return {
        "lnupload": lambda: Lnupload(run),
        "bank2xls": lambda: Bank2xls(run),
        "cinq": lambda: Cinq(run),
        "invoice_api": lambda: InvoiceApi(run, first_account),
        "filestore": lambda: Filestore(run),
    }
