"""The providers' own Python libraries, wrapped as one kind of verifier.

Shared by generate_providers.py (which confirms every vector's verdict with
them) and verify_deliveries.py (which checks deliveries made by this crate's
signer). Each verifier takes the secrets a receiver has configured, the raw
body, the request headers and the receiver's clock, and answers
`(accepted, message)`; a library that raises is a refusal, and the message
names the exception, because an exception where a library meant to say "no"
is itself worth knowing.

Nothing here re-implements a provider's scheme, except LeadLex's, for which
no library exists: that one follows the provider's documented recipe and is
labelled as such everywhere it is used.
"""

import contextlib
import datetime as _dt
import hashlib
import hmac
import importlib.metadata
from unittest import mock

try:
    import commet.resources.webhooks as commet_webhooks
    import standardwebhooks.webhooks as stdwh
    import stripe
    import stripe._webhook as stripe_webhook
    import svix.webhooks as svix_webhooks
except ImportError as missing:  # pragma: no cover - reported by the callers
    IMPORT_ERROR = missing
else:
    IMPORT_ERROR = None


def version(package):
    return importlib.metadata.version(package)


def header(headers, name):
    """A header's value by case-insensitive name, or None."""
    wanted = name.lower()
    for key, value in headers.items():
        if key.lower() == wanted:
            return value
    return None


@contextlib.contextmanager
def clock(now):
    """Pins the clocks the libraries read to `now` (Unix seconds); None keeps the real clock."""
    if now is None:
        yield
        return

    class FrozenDatetime(_dt.datetime):
        @classmethod
        def now(cls, tz=None):
            return _dt.datetime.fromtimestamp(now, tz=tz)

    class FrozenTime:
        @staticmethod
        def time():
            return float(now)

    with mock.patch.object(stripe_webhook, "time", FrozenTime), mock.patch.object(
        stdwh, "datetime", FrozenDatetime
    ):
        yield


def _any_secret(secrets, attempt):
    """Accepted when any secret is; otherwise the distinct refusals, in order."""
    refusals = []
    for secret in secrets:
        try:
            ok, message = attempt(secret)
        except Exception as error:  # noqa: BLE001 - a crash is a refusal to record
            ok, message = False, f"raised {type(error).__name__}: {error}"
        if ok:
            return True, "accepted"
        if message not in refusals:
            refusals.append(message)
    return False, " | ".join(refusals)


def stripe_verify(secrets, body, headers, now, header_name="Stripe-Signature", tolerance=300):
    """stripe.WebhookSignature.verify_header: the `t=…,v1=…` scheme (Stripe, Unleeshed)."""
    value = header(headers, header_name)

    def attempt(secret):
        try:
            stripe.WebhookSignature.verify_header(body, value, secret, tolerance)
        except stripe.SignatureVerificationError as error:
            return False, f"SignatureVerificationError: {error.user_message or error}"
        return True, "accepted"

    with clock(now):
        return _any_secret(secrets, attempt)


def standardwebhooks_verify(secrets, body, headers, now):
    """standardwebhooks.Webhook.verify (reads only the `webhook-*` headers)."""

    def attempt(secret):
        try:
            stdwh.Webhook(secret).verify(body, dict(headers), json_parse=False)
        except stdwh.WebhookVerificationError as error:
            return False, f"WebhookVerificationError: {error}"
        return True, "accepted"

    with clock(now):
        return _any_secret(secrets, attempt)


def svix_verify(secrets, body, headers, now):
    """svix.webhooks.Webhook.verify (`svix-*` headers, or `webhook-*` when those are absent)."""

    def attempt(secret):
        try:
            svix_webhooks.Webhook(secret).verify(body, dict(headers))
        except svix_webhooks.WebhookVerificationError as error:
            return False, f"WebhookVerificationError: {error}"
        return True, "accepted"

    with clock(now):
        return _any_secret(secrets, attempt)


def commet_verify(secrets, body, headers, now=None):
    """commet.resources.webhooks.verify_signature, as Commet's docs call it (raw body as text)."""
    signature = header(headers, "X-Commet-Signature")

    def attempt(secret):
        payload = body.decode("utf-8")
        ok = commet_webhooks.verify_signature(payload=payload, signature=signature, secret=secret)
        return (True, "accepted") if ok else (False, "verify_signature returned False")

    return _any_secret(secrets, attempt)


def leadlex_recipe_sign(secret, body):
    """LeadLex's documented recipe (no library exists): sha256=HMAC-SHA256(secret as issued, raw body), hex."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def leadlex_recipe_verify(secrets, body, headers, now=None):
    """The documented recipe, compared whole and in constant time. Not LeadLex's code: none is published."""
    value = header(headers, "X-LeadLex-Signature")
    if value is None:
        return False, "recipe: no X-LeadLex-Signature header"

    def attempt(secret):
        expected = leadlex_recipe_sign(secret, body)
        ok = hmac.compare_digest(value.encode("utf-8"), expected.encode("utf-8"))
        return (True, "accepted") if ok else (False, "recipe: signature differs")

    return _any_secret(secrets, attempt)


def libraries():
    """The versions in use, for the vector files and the harness's report."""
    return {
        "stripe": version("stripe"),
        "standardwebhooks": version("standardwebhooks"),
        "svix": version("svix"),
        "commet-sdk": version("commet-sdk"),
    }
