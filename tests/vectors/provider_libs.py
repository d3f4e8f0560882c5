"""The providers' own Python libraries, wrapped as one kind of verifier.

Shared by generate_providers.py (which confirms every vector's verdict with
them) and verify_deliveries.py (which checks deliveries made by this crate's
signer). Each verifier takes the secrets a receiver has configured, the raw
body, the request headers and the receiver's clock, and answers
`(accepted, message)`; a library that raises is a refusal, and the message
names the exception, because an exception where a library meant to say "no"
is itself worth knowing.

Nothing here re-implements a provider's scheme, except LeadLex's and Standard
Webhooks' asymmetric v1a, for which no library exists: those follow the
documented recipe (v1a with PyNaCl's Ed25519) and are labelled as such
everywhere they are used.

The second group (Slack, Twilio, Square, HubSpot, Razorpay, Paddle, Discord,
SendGrid, Standard Webhooks v1a) is imported separately: SDK_IMPORT_ERROR says
when it is missing. URL-signing schemes take the request's public URL (and
method, and Twilio's form fields) as keyword arguments: `url`, `method`,
`form` (a list of [name, value] pairs, in the order sent).
"""

import base64
import binascii
import contextlib
import datetime as _dt
import hashlib
import hmac
import importlib.metadata
import io
import sys
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

try:
    import discord_interactions
    import hubspot.utils.signature as hubspot_signature
    import nacl.exceptions
    import nacl.signing
    import razorpay
    import razorpay.errors
    from hubspot.exceptions import InvalidSignatureTimestampError, InvalidSignatureVersionError
    from paddle_billing.Notifications import Secret as PaddleSecret
    from paddle_billing.Notifications import Verifier as PaddleVerifier
    from sendgrid.helpers.eventwebhook import EventWebhook
    from slack_sdk.signature import SignatureVerifier as SlackSignatureVerifier
    from square.utils.webhooks_helper import verify_signature as square_verify_signature
    from twilio.request_validator import RequestValidator as TwilioRequestValidator
    from twilio.request_validator import get_signature_algorithm as twilio_signature_algorithm
    from werkzeug.datastructures import MultiDict

    # The SDKs log each refusal (Twilio warns of an unsupported algorithm, Paddle of every failure):
    # the verdicts are reported by the callers instead.
    import logging

    logging.getLogger("twilio").setLevel(logging.ERROR)
    logging.getLogger("paddle_billing").setLevel(logging.CRITICAL + 1)

    # The package re-exports the Verifier class under the module's name: reach the module itself.
    paddle_verifier_module = sys.modules["paddle_billing.Notifications.Verifier"]
except ImportError as missing:  # pragma: no cover - reported by the callers
    SDK_IMPORT_ERROR = missing
else:
    SDK_IMPORT_ERROR = None


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


# ------------------------------------------------------------------------
# The second group: the SDKs of Slack, Twilio, Square, HubSpot, Razorpay,
# Paddle, Discord, SendGrid, and the Standard Webhooks v1a recipe.


@contextlib.contextmanager
def sdk_clock(now):
    """Pins the clocks the second group reads to `now` (Unix seconds); None keeps the real clock.

    Slack's verifier takes a clock object instead (see slack_verify). Paddle's
    Verifier skips its time check when TEST_MODE is set in the environment:
    it is removed here for the duration.
    """
    if now is None:
        yield
        return

    class FrozenDatetime(_dt.datetime):
        @classmethod
        def now(cls, tz=None):
            return _dt.datetime.fromtimestamp(now, tz=tz)

    with mock.patch.object(hubspot_signature, "datetime", FrozenDatetime), mock.patch.object(
        paddle_verifier_module, "time", lambda: float(now)
    ), mock.patch.dict("os.environ", {}, clear=False) as environ:
        environ.pop("TEST_MODE", None)
        yield


def _refusal(error):
    return f"raised {type(error).__name__}: {error}"


def slack_verify(secrets, body, headers, now, **_):
    """slack_sdk.signature.SignatureVerifier(secret, clock).is_valid_request(body, headers)."""

    class PinnedClock:
        def now(self):
            return float(now) if now is not None else __import__("time").time()

    def attempt(secret):
        ok = SlackSignatureVerifier(secret, clock=PinnedClock()).is_valid_request(body, dict(headers))
        return (True, "accepted") if ok else (False, "is_valid_request returned False")

    return _any_secret(secrets, attempt)


def twilio_params(body, headers, form):
    """What a web framework hands RequestValidator: the form as a MultiDict, or the raw body for JSON."""
    content_type = (header(headers, "Content-Type") or "").split(";")[0].strip().lower()
    if content_type == "application/x-www-form-urlencoded":
        if form is None:
            raise ValueError("a form-encoded Twilio delivery needs its `form` pairs")
        return MultiDict([(name, value) for name, value in form])
    return body.decode("utf-8")


def twilio_verify(secrets, body, headers, now=None, url=None, form=None, **_):
    """twilio.request_validator.RequestValidator(secret).validate(url, params, signature, algorithm).

    The algorithm comes from X-Twilio-Webhooks-Signature-Settings (absent: HMAC_SHA1, keyed with
    the Auth Token; present: the SharedKey secret and the named algorithm), as the SDK's
    get_signature_algorithm reads it.
    """
    signature = header(headers, "X-Twilio-Signature")
    algorithm = twilio_signature_algorithm(header(headers, "X-Twilio-Webhooks-Signature-Settings"))
    params = twilio_params(body, headers, form)

    def attempt(secret):
        ok = TwilioRequestValidator(secret).validate(url, params, signature, algorithm)
        return (True, "accepted") if ok else (False, f"validate returned False ({algorithm})")

    return _any_secret(secrets, attempt)


def square_verify(secrets, body, headers, now=None, url=None, **_):
    """square.utils.webhooks_helper.verify_signature(request_body, signature_header, signature_key, notification_url)."""
    signature = header(headers, "x-square-hmacsha256-signature")

    def attempt(secret):
        ok = square_verify_signature(request_body=body.decode("utf-8"), signature_header=signature,
                                     signature_key=secret, notification_url=url)
        return (True, "accepted") if ok else (False, "verify_signature returned False")

    return _any_secret(secrets, attempt)


# HubSpot's docs (request validation, v3): decode these in the request URI before signing.
HUBSPOT_URI_DECODES = {"%3A": ":", "%2F": "/", "%3F": "?", "%40": "@", "%21": "!", "%24": "$", "%27": "'",
                       "%28": "(", "%29": ")", "%2A": "*", "%2C": ",", "%3B": ";"}


def hubspot_decode_uri(uri):
    """The documented decoding (the SDK does none): the twelve listed escapes, upper or lower case hex."""
    out, i = [], 0
    while i < len(uri):
        chunk = uri[i:i + 3].upper()
        if uri[i] == "%" and chunk in HUBSPOT_URI_DECODES:
            out.append(HUBSPOT_URI_DECODES[chunk])
            i += 3
        else:
            out.append(uri[i])
            i += 1
    return "".join(out)


def hubspot_verify(secrets, body, headers, now, url=None, method="POST", decode_uri=False, **_):
    """hubspot.utils.signature.Signature.is_valid(..., signature_version="v3", timestamp=...).

    The SDK signs the URI it is given; with decode_uri the caller first applies HubSpot's
    documented decoding table (hubspot_decode_uri), as HubSpot's docs tell a receiver to.
    """
    signature = header(headers, "X-HubSpot-Signature-v3")
    timestamp = header(headers, "X-HubSpot-Request-Timestamp")
    uri = hubspot_decode_uri(url) if decode_uri else url

    def attempt(secret):
        try:
            ok = hubspot_signature.Signature.is_valid(signature=signature, client_secret=secret,
                                                      request_body=body.decode("utf-8"), http_uri=uri,
                                                      http_method=method or "POST", signature_version="v3",
                                                      timestamp=timestamp)
        except InvalidSignatureTimestampError as error:
            return False, f"InvalidSignatureTimestampError: {error}"
        return (True, "accepted") if ok else (False, "is_valid returned False")

    with sdk_clock(now):
        return _any_secret(secrets, attempt)


def razorpay_verify(secrets, body, headers, now=None, **_):
    """razorpay.Utility.verify_webhook_signature(body, signature, secret) (raises on a mismatch)."""
    signature = header(headers, "X-Razorpay-Signature")

    def attempt(secret):
        try:
            razorpay.Utility(None).verify_webhook_signature(body.decode("utf-8"), signature, secret)
        except razorpay.errors.SignatureVerificationError as error:
            return False, f"SignatureVerificationError: {error}"
        return True, "accepted"

    return _any_secret(secrets, attempt)


class _CaseInsensitiveHeaders:
    """Headers as a web framework hands them to Paddle's Verifier: get() by any case."""

    def __init__(self, headers):
        self._headers = dict(headers)

    def get(self, key, default=None):
        value = header(self._headers, key)
        return default if value is None else value


class _PaddleRequest:
    def __init__(self, body, headers):
        self.body = body
        self.headers = _CaseInsensitiveHeaders(headers)


def paddle_verify(secrets, body, headers, now, **_):
    """paddle_billing.Notifications.Verifier().verify(request, [Secret, ...]) (default 5 s skew).

    Several secrets go to the SDK as one list, its own rotation support: it raises
    ConnectionRefusedError when none matches (a single Secret returns False instead).
    """
    try:
        with sdk_clock(now):
            ok = PaddleVerifier().verify(_PaddleRequest(body, headers), [PaddleSecret(s) for s in secrets])
    except Exception as error:  # noqa: BLE001 - a crash is a refusal to record
        return False, _refusal(error)
    return (True, "accepted") if ok else (False, "verify returned False")


def discord_verify(secrets, body, headers, now=None, **_):
    """discord_interactions.verify_key(raw_body, signature, timestamp, public_key), as its Flask decorator calls it.

    The decorator refuses (401) when either header is missing; verify_key prints the
    exception it swallows, which is captured here as the refusal message.
    """
    signature = header(headers, "X-Signature-Ed25519")
    timestamp = header(headers, "X-Signature-Timestamp")
    if signature is None or timestamp is None:
        return False, "verify_key_decorator: missing X-Signature-Ed25519 or X-Signature-Timestamp (401)"

    def attempt(public_key):
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            ok = discord_interactions.verify_key(body, signature, timestamp, public_key)
        reason = printed.getvalue().strip() or "no message"
        return (True, "accepted") if ok else (False, f"verify_key returned False ({reason})")

    return _any_secret(secrets, attempt)


def sendgrid_verify(secrets, body, headers, now=None, **_):
    """sendgrid.helpers.eventwebhook.EventWebhook(public_key).verify_signature(payload, signature, timestamp)."""
    signature = header(headers, "X-Twilio-Email-Event-Webhook-Signature")
    timestamp = header(headers, "X-Twilio-Email-Event-Webhook-Timestamp")

    def attempt(public_key):
        ok = EventWebhook(public_key).verify_signature(body.decode("utf-8"), signature, timestamp)
        return (True, "accepted") if ok else (False, "verify_signature returned False")

    return _any_secret(secrets, attempt)


def standard_webhooks_v1a_verify(secrets, body, headers, now, tolerance=300):
    """Standard Webhooks v1a, from the spec's text, with PyNaCl (no library verifies v1a).

    Keys: `whpk_` + standard base64 of the 32-byte Ed25519 public key. Headers webhook-id,
    webhook-timestamp, webhook-signature (names case-insensitive); signed content
    `{id}.{timestamp}.{body}`; the signature list is split on spaces, each item on its first
    comma, and only `v1a` items are tried (base64, 64 bytes). Timestamp: integer seconds,
    within `tolerance` of now either way (the libraries' 5 minutes for v1).
    """
    msg_id = header(headers, "webhook-id")
    timestamp = header(headers, "webhook-timestamp")
    signatures = header(headers, "webhook-signature")
    if not (msg_id and timestamp and signatures):
        return False, "recipe: missing required headers"
    try:
        t = int(timestamp)
    except ValueError:
        return False, "recipe: webhook-timestamp is not an integer"
    if now is not None and abs(now - t) > tolerance:
        return False, "recipe: timestamp outside the tolerance"
    signed = f"{msg_id}.{timestamp}.".encode() + body
    candidates = []
    for item in signatures.split(" "):
        version, _, value = item.partition(",")
        if version != "v1a":
            continue
        try:
            raw = base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            continue
        if len(raw) == 64:
            candidates.append(raw)
    if not candidates:
        return False, "recipe: no v1a signature"

    def attempt(public_key):
        if not public_key.startswith("whpk_"):
            return False, "recipe: the public key lacks its whpk_ prefix"
        try:
            key = nacl.signing.VerifyKey(base64.b64decode(public_key[len("whpk_"):], validate=True))
        except (binascii.Error, ValueError, nacl.exceptions.CryptoError) as error:
            return False, f"recipe: bad public key ({error})"
        for raw in candidates:
            try:
                key.verify(signed, raw)
                return True, "accepted"
            except nacl.exceptions.BadSignatureError:
                pass
        return False, "recipe: no v1a signature matches"

    return _any_secret(secrets, attempt)


def sdk_libraries():
    """The second group's versions, for the vector files and the harness's report."""
    return {
        "slack-sdk": version("slack-sdk"),
        "twilio": version("twilio"),
        "squareup": version("squareup"),
        "hubspot-api-client": version("hubspot-api-client"),
        "razorpay": version("razorpay"),
        "paddle-python-sdk": version("paddle-python-sdk"),
        "discord-interactions": version("discord-interactions"),
        "PyNaCl": version("PyNaCl"),
        "sendgrid": version("sendgrid"),
        "cryptography": version("cryptography"),
        "Werkzeug": version("Werkzeug"),
    }
