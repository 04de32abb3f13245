"""Compatibility checks with Debian's python3-stripe (an older major version than the Node SDK) against a
running sandbox. Usage: compat.py <api_base> <expected Stripe-Version>.

Prints one JSON object {"stripe_python": version, "checks": [{"name", "ok", "detail"}]} on stdout and exits 1
when a check failed, so the calling test can show which check failed and why."""

import http.server
import json
import sys
import threading
import time
import traceback

import stripe

API_BASE, EXPECTED_VERSION = sys.argv[1], sys.argv[2]
stripe.api_key = "sk_test_python"
stripe.api_base = API_BASE
stripe.max_network_retries = 0
# No stripe.api_version: this client sends no Stripe-Version header, so the account's default applies.

checks = []


def check(name):
    def run(fn):
        try:
            detail = fn()
            checks.append({"name": name, "ok": True, "detail": detail})
        except Exception as e:  # noqa: BLE001 - every failure becomes a reported check
            checks.append(
                {
                    "name": name,
                    "ok": False,
                    "detail": "%s: %s\n%s" % (type(e).__name__, e, traceback.format_exc(limit=-3)),
                }
            )
        return fn

    return run


def expect(cond, what):
    if not cond:
        raise AssertionError(what)


@check("customers: create, retrieve, update, list, delete; no Stripe-Version header sent")
def customers():
    email = "py-%d@example.com" % time.time_ns()
    cus = stripe.Customer.create(email=email, name="Py Thon", metadata={"source": "python", "vip": True})
    expect(cus.id.startswith("cus_"), "customer id %s" % cus.id)
    version = cus.last_response.headers.get("Stripe-Version")
    expect(version == EXPECTED_VERSION, "Stripe-Version %r, expected %r" % (version, EXPECTED_VERSION))
    expect(cus.metadata["vip"] == "True", "metadata value %r" % cus.metadata["vip"])
    got = stripe.Customer.retrieve(cus.id)
    expect(got.email == email, "retrieved email %r" % got.email)
    upd = stripe.Customer.modify(cus.id, name="Renamed", metadata={"source": ""})
    expect(upd.name == "Renamed", "updated name %r" % upd.name)
    expect("source" not in upd.metadata, "metadata key not deleted: %r" % dict(upd.metadata))
    listed = stripe.Customer.list(email=email, limit=5)
    expect([c.id for c in listed.data] == [cus.id], "list by email %r" % [c.id for c in listed.data])
    everyone = [c.id for c in stripe.Customer.list(limit=1).auto_paging_iter()]
    expect(cus.id in everyone, "auto-paging list lacks %s" % cus.id)
    gone = stripe.Customer.delete(cus.id)
    expect(gone.deleted is True, "delete %r" % gone)
    return {"customer": cus.id, "stripe_version": version}


@check("customer with a test token as payment_method and default in one call")
def token_default():
    cus = stripe.Customer.create(
        payment_method="pm_card_mastercard",
        invoice_settings={"default_payment_method": "pm_card_mastercard"},
    )
    default = cus.invoice_settings.default_payment_method
    expect(default.startswith("pm_") and default != "pm_card_mastercard", "default %r" % default)
    pm = stripe.PaymentMethod.retrieve(default)
    expect(pm.customer == cus.id and pm.card.brand == "mastercard", "clone %r" % pm)
    return {"default_payment_method": default}


@check("payment intent: nested params (metadata, automatic_payment_methods, payment_method_options), expand")
def payment_intent():
    cus = stripe.Customer.create(email="pi@example.com")
    pi = stripe.PaymentIntent.create(
        amount=2500,
        currency="usd",
        customer=cus.id,
        payment_method="pm_card_visa",
        confirm=True,
        capture_method="manual",
        automatic_payment_methods={"enabled": True, "allow_redirects": "never"},
        payment_method_options={"card": {"request_three_d_secure": "automatic"}},
        metadata={"order_id": "A-42", "rush": False},
        expand=["customer", "latest_charge"],
    )
    expect(pi.status == "requires_capture", "status %r" % pi.status)
    expect(pi.metadata["order_id"] == "A-42" and pi.metadata["rush"] == "False", "metadata %r" % pi.metadata)
    expect(pi.customer.id == cus.id and pi.customer.object == "customer", "expanded customer %r" % pi.customer)
    expect(pi.latest_charge.object == "charge", "expanded charge %r" % pi.latest_charge)
    expect(pi.automatic_payment_methods.enabled is True, "apm %r" % pi.automatic_payment_methods)
    captured = stripe.PaymentIntent.capture(pi.id, amount_to_capture=2000)
    expect(captured.status == "succeeded" and captured.amount_received == 2000, "captured %r" % captured)
    again = stripe.PaymentIntent.retrieve(pi.id, expand=["latest_charge"])
    expect(again.latest_charge.amount_captured == 2000, "charge %r" % again.latest_charge)
    return {"payment_intent": pi.id}


@check("card errors: CardError with code and decline_code; the PaymentIntent needs a new payment method")
def card_errors():
    seen = {}
    for token, decline in [
        ("pm_card_chargeDeclinedInsufficientFunds", "insufficient_funds"),
        ("pm_card_visa_chargeDeclined", "generic_decline"),
        ("pm_card_chargeDeclinedLostCard", "lost_card"),
    ]:
        try:
            stripe.PaymentIntent.create(
                amount=1000,
                currency="usd",
                payment_method=token,
                confirm=True,
                automatic_payment_methods={"enabled": True, "allow_redirects": "never"},
            )
        except stripe.error.CardError as e:
            expect(e.http_status == 402, "%s: HTTP %r" % (token, e.http_status))
            expect(e.code == "card_declined", "%s: code %r" % (token, e.code))
            expect(e.error.decline_code == decline, "%s: decline_code %r" % (token, e.error.decline_code))
            pi = stripe.PaymentIntent.retrieve(e.error.payment_intent["id"])
            expect(pi.status == "requires_payment_method", "%s: PI status %r" % (token, pi.status))
            expect(pi.last_payment_error.decline_code == decline, "%s: last_payment_error" % token)
            seen[token] = e.error.decline_code
        else:
            raise AssertionError("%s: no CardError" % token)
    return seen


@check("connected account: Stripe-Account header (stripe_account=) scopes the data")
def connected_account():
    acct = stripe.Account.create(
        type="express",
        country="US",
        email="connected@example.com",
        capabilities={"card_payments": {"requested": True}, "transfers": {"requested": True}},
    )
    expect(acct.id.startswith("acct_"), "account id %r" % acct.id)
    caps = dict(acct.capabilities)
    expect(set(caps) == {"card_payments", "transfers"}, "requested=True capabilities %r" % caps)
    cus = stripe.Customer.create(email="on-connected@example.com", stripe_account=acct.id)
    expect(cus.last_response.headers.get("Stripe-Account") == acct.id, "Stripe-Account not echoed")
    got = stripe.Customer.retrieve(cus.id, stripe_account=acct.id)
    expect(got.id == cus.id, "retrieve on the connected account")
    try:
        stripe.Customer.retrieve(cus.id)
    except stripe.error.InvalidRequestError as e:
        expect(e.http_status == 404 and e.code == "resource_missing", "platform lookup %r" % e)
    else:
        raise AssertionError("the platform sees the connected account's customer")
    listed = stripe.Customer.list(stripe_account=acct.id)
    expect([c.id for c in listed.data] == [cus.id], "connected list %r" % [c.id for c in listed.data])
    return {"account": acct.id, "customer": cus.id, "capabilities": caps}


class Receiver(http.server.BaseHTTPRequestHandler):
    received = []

    def do_POST(self):  # noqa: N802 - http.server's naming
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Receiver.received.append((body, self.headers.get("Stripe-Signature")))
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


@check("webhooks: stripe.Webhook.construct_event verifies what the sandbox delivered")
def webhooks():
    server = http.server.HTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = "http://127.0.0.1:%d/hook" % server.server_address[1]
        endpoint = stripe.WebhookEndpoint.create(url=url, enabled_events=["customer.created"])
        expect(endpoint.secret.startswith("whsec_"), "secret %r" % endpoint.secret)
        cus = stripe.Customer.create(email="hooked@example.com")
        deadline = time.time() + 10
        delivery = None
        while delivery is None and time.time() < deadline:
            for body, sig in list(Receiver.received):
                if cus.id in body.decode("utf-8"):
                    delivery = (body, sig)
            time.sleep(0.02)
        expect(delivery is not None, "no customer.created delivery for %s within 10 s" % cus.id)
        body, sig = delivery
        event = stripe.Webhook.construct_event(body, sig, endpoint.secret)
        expect(event.type == "customer.created", "event type %r" % event.type)
        expect(event.data.object.id == cus.id, "event object %r" % event.data.object.id)
        expect(event.api_version == EXPECTED_VERSION, "event api_version %r" % event.api_version)
        try:
            stripe.Webhook.construct_event(body.replace(b"hooked", b"forged"), sig, endpoint.secret)
        except stripe.error.SignatureVerificationError:
            pass
        else:
            raise AssertionError("a forged payload passed verification")
        try:
            stripe.Webhook.construct_event(body, sig, "whsec_wrong")
        except stripe.error.SignatureVerificationError:
            pass
        else:
            raise AssertionError("the wrong secret passed verification")
        return {"event": event.id, "signature": sig.split(",")[0]}
    finally:
        server.shutdown()


print(json.dumps({"stripe_python": stripe.version.VERSION, "checks": checks}, indent=1))
sys.exit(0 if all(c["ok"] for c in checks) else 1)
