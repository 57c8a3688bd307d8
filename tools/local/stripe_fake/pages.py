"""The Stripe pages the dev console serves (Checkout, Billing Portal, hosted invoice) and its Stripe routes."""

from __future__ import annotations

import html
from datetime import UTC, datetime
from typing import Any

from tools.local.stripe_fake.resources import Product, Subscription, store
from tools.local.stripe_fake.runtime import StripeFake
from tools.local.web import Reply, Request, Route, html_reply, json_reply, page

PER = {"day": "jour", "week": "semaine", "month": "mois", "year": "an"}


def _money(amount: int, currency: str) -> str:
    symbol = {"eur": "€", "usd": "$"}.get(currency, currency.upper())
    return f"{amount / 100:.2f}".replace(".", ",") + f" {symbol}"


def _date(timestamp: int) -> str:
    return datetime.fromtimestamp(timestamp, UTC).strftime("%d/%m/%Y")


def _html(title: str, body: str) -> str:
    return page(title, body, lang="fr", subtitle="Stripe (simulé, mode test)")


def _button(label: str, action: str, then: str) -> str:
    """A form that still works without JavaScript; with it, the browser goes on to `then` once the POST succeeds."""
    script = (
        "event.preventDefault();fetch(this.action,{method:'POST'}).then(r=>{if(r.ok)location.href=this.dataset.next;"
        "else alert('Échec : HTTP '+r.status)})"
    )
    return (
        f'<form method="post" action="{html.escape(action)}" data-next="{html.escape(then)}" onsubmit="{script}">'
        f"<button>{html.escape(label)}</button></form>"
    )


def _checkout_html(session_id: str, console_url: str) -> str | None:
    session = store.get(f"checkout.session:{session_id}")
    if session is None:
        return None
    price = store[f"price:{session._price}"]
    product = Product._api_retrieve(price.product).name
    amount = _money(session.amount_total, session.currency)
    success = session.success_url.replace("{CHECKOUT_SESSION_ID}", session.id)
    if session.status == "complete":
        action = f'<p>Paiement déjà effectué.</p><p><a href="{html.escape(success)}">Continuer</a></p>'
    else:
        pay = _button(f"Payer {amount}", f"{console_url}/stripe/checkout/sessions/{session.id}/complete", success)
        back = f'<p><a href="{html.escape(session.cancel_url)}">Retour</a></p>' if session.cancel_url else ""
        action = f"<p>Carte de test 4242 4242 4242 4242</p>{pay}{back}"
    per = PER[price.recurring["interval"]]
    return _html("Paiement", f"<h1>{html.escape(product)}</h1><p><strong>{amount}</strong> par {per}</p>{action}")


def _portal_html(portal_session_id: str, console_url: str) -> str | None:
    portal = store.get(f"billing_portal.session:{portal_session_id}")
    if portal is None:
        return None
    rows = []
    for sub in Subscription._api_list_all(None, customer=portal.customer, limit=100)._list:
        plan = sub.plan
        line = f"{html.escape(plan.name)} : {_money(plan.amount, plan.currency)} par {PER[plan.interval]}"
        if sub.cancel_at_period_end:
            rows.append(f"<li>{line}<br>Résilié, prend fin le {_date(sub.current_period_end)}</li>")
        else:
            here = f"{console_url}/stripe/portal/{portal.id}"
            cancel = _button("Résilier", f"{here}/cancel", here)
            rows.append(f"<li>{line}<br>Renouvellement le {_date(sub.current_period_end)}{cancel}</li>")
    listing = f"<ul>{''.join(rows)}</ul>" if rows else "<p>Aucun abonnement en cours.</p>"
    back = f'<p><a href="{html.escape(portal.return_url)}">Retour au site</a></p>' if portal.return_url else ""
    return _html("Votre abonnement", f"<h1>Votre abonnement</h1>{listing}{back}")


def _invoice_html(invoice_id: str) -> str | None:
    invoice = store.get(f"invoice:{invoice_id}")
    if invoice is None:
        return None
    status = {"paid": "Payée", "open": "À payer", "void": "Annulée", "draft": "Brouillon"}[invoice.status]
    lines = "".join(
        f"<li>{html.escape(line.description or '')} : {_money(line.amount, line.currency)}</li>"
        for line in invoice.lines._list
    )
    body = (
        f"<h1>Facture {html.escape(invoice.id)}</h1><p>{_date(invoice.created)} · {status}</p>"
        f"<ul>{lines}</ul><p><strong>Total : {_money(invoice.total, invoice.currency)}</strong></p>"
    )
    return _html(f"Facture {invoice.id}", body)


def _summary(fake: StripeFake) -> dict[str, Any]:
    """Everything the console's Stripe tab shows, read in one go on the fake's loop."""

    def read() -> dict[str, Any]:
        def listed(kind: str) -> list[Any]:
            found = [value for key, value in list(store.items()) if key.split(":", 1)[0] == kind]
            return sorted(found, key=lambda item: item.created, reverse=True)

        sessions = [
            {
                "id": s.id,
                "status": s.status,
                "payment_status": s.payment_status,
                "customer": s.customer,
                "customer_email": s.customer_email,
                "amount": s.amount_total,
                "currency": s.currency,
                "url": s.url,
                "subscription": s.subscription,
                "created": s.created,
            }
            for s in listed("checkout.session")
        ]
        customers = [{"id": c.id, "email": c.email, "created": c.created} for c in listed("customer")]
        subscriptions = [
            {
                "id": s.id,
                "customer": s.customer,
                "status": s.status,
                "plan": s.plan.name if s.plan else None,
                "amount": s.plan.amount if s.plan else None,
                "currency": s.plan.currency if s.plan else None,
                "current_period_end": s.current_period_end,
                "cancel_at_period_end": bool(s.cancel_at_period_end),
            }
            for s in listed("subscription")
        ]
        invoices = [
            {
                "id": i.id,
                "customer": i.customer,
                "subscription": i.subscription,
                "status": i.status,
                "total": i.total,
                "currency": i.currency,
                "created": i.created,
                "url": i.hosted_invoice_url,
            }
            for i in listed("invoice")
        ]
        return {"sessions": sessions, "customers": customers, "subscriptions": subscriptions, "invoices": invoices}

    summary = fake.call(read)
    summary["now"] = fake.now()
    summary["deliveries"] = [delivery.public() for delivery in fake.deliveries]
    return summary


def routes(fake: StripeFake) -> list[Route]:
    """The console's Stripe routes: hosted pages, their buttons, the clock, the console tab's data, resends."""

    def hosted(render: Any, kind: str) -> Any:
        def show(request: Request) -> Reply:
            shown = fake.call(lambda: render(request.params["object_id"], fake.console_url))
            if shown is None:
                return json_reply(404, {"detail": f"No such {kind}: {request.params['object_id']}"})
            return html_reply(shown)

        return show

    def action(operation: Any) -> Any:
        def run(request: Request) -> Reply:
            try:
                return json_reply(200, operation(request))
            except KeyError as unknown:
                return json_reply(404, {"detail": f"Unknown object {unknown}"})

        return run

    def advance(request: Request) -> Reply:
        body = request.json()
        try:
            days = int(body.get("days", 0))
        except (ValueError, TypeError, AttributeError):
            return json_reply(400, {"detail": 'Send {"days": N}'})
        if days <= 0:
            return json_reply(400, {"detail": "days must be a positive integer"})
        return json_reply(200, fake.advance_clock(days))

    return [
        Route("GET", "/stripe/checkout/{object_id}", hosted(_checkout_html, "checkout session")),
        Route("GET", "/stripe/portal/{object_id}", hosted(_portal_html, "portal session")),
        Route("GET", "/stripe/invoices/{object_id}", hosted(lambda i, _: _invoice_html(i), "invoice")),
        Route(
            "POST",
            "/stripe/checkout/sessions/{object_id}/complete",
            action(lambda r: fake.complete_checkout(r.params["object_id"])),
        ),
        Route(
            "POST",
            "/stripe/portal/{object_id}/cancel",
            action(lambda r: fake.cancel_from_portal(r.params["object_id"])),
        ),
        Route("POST", "/stripe/clock/advance", advance),
        Route("GET", "/stripe/overview", lambda _: json_reply(200, _summary(fake))),
        Route(
            "POST", "/stripe/deliveries/{delivery}/resend", action(lambda r: fake.resend(r.params["delivery"]).public())
        ),
    ]


def checkout_page(fake: StripeFake, session_id: str) -> str | None:
    return fake.call(lambda: _checkout_html(session_id, fake.console_url))


def portal_page(fake: StripeFake, portal_session_id: str) -> str | None:
    return fake.call(lambda: _portal_html(portal_session_id, fake.console_url))


def invoice_page(fake: StripeFake, invoice_id: str) -> str | None:
    return fake.call(lambda: _invoice_html(invoice_id))
