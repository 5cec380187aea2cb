"""Harness-side fix for moto 5.2.1's signature checking, and the IAM identity tests use.

Stock moto 5.2.1 in IAM access-control mode wrongly rejects correctly signed requests:
it hashes a dict instead of an empty body (rest-json GET/DELETE), re-signs the decoded
path and query (S3 keys with ``+``, ``prefix=dir/``), re-encodes form bodies, and drops a
signed ``user-agent``. The fix: ``DomainDispatcherApplication.__call__`` captures the raw
request URI and the raw body before Flask parses anything, and
``IAMRequestBase._calculate_signature`` recomputes the signature from those with
:mod:`localaws.sigv4_check` (exactly the headers in ``SignedHeaders``).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import threading
from dataclasses import dataclass

from moto import settings
from moto.core import DEFAULT_ACCOUNT_ID
from moto.iam import access_control
from moto.iam.models import iam_backends
from moto.moto_server.werkzeug_app import DomainDispatcherApplication

from .faults import Faults
from .sigv4_check import WireRequest, environ_header_values, expected_signature, parse_authorization

_local = threading.local()
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_XML_ERROR = re.compile(rb"<Code>([^<]+)</Code>.*?<Message>([^<]*)</Message>", re.S)
# moto answers auth failures in XML for every service; JSON-protocol services get the
# error AWS's front end gives them: x-amzn-ErrorType plus {"__type", "message"}.
_JSON_AUTH_ERRORS = {
    "SignatureDoesNotMatch": "InvalidSignatureException",
    "InvalidClientTokenId": "UnrecognizedClientException",
    "AccessDenied": "AccessDeniedException",
}
_REST_JSON_SERVICES = {"elasticfilesystem", "lambda", "backup"}

USER_NAME = "localaws-test"
ALLOW_ALL_POLICY = json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
)


@dataclass(frozen=True)
class Identity:
    """The access key the harness hands to tests (kept the same across resets)."""

    access_key_id: str
    secret_access_key: str


def read_raw_body(environ: dict) -> bytes:
    """Read the whole request body and put it back as a fresh stream for Flask."""
    stream = environ.get("wsgi.input")
    length = environ.get("CONTENT_LENGTH")
    body = b""
    if stream is not None:
        if length:
            body = stream.read(int(length))
        elif environ.get("wsgi.input_terminated") or "chunked" in environ.get("HTTP_TRANSFER_ENCODING", ""):
            body = stream.read()
    environ["wsgi.input"] = io.BytesIO(body)
    return body


def _patched_calculate_signature(self) -> str:
    wire: WireRequest | None = getattr(_local, "wire", None)
    auth = parse_authorization(self._headers.get("Authorization"))
    if wire is None or auth is None:
        return ""  # cannot match any signature
    secret = self._access_key.create_credentials().secret_key
    is_s3 = isinstance(self, access_control.S3IAMRequest)
    return expected_signature(wire, auth, secret, s3=is_s3)


def install_signature_patch() -> None:
    """Patch moto in place (idempotent) and turn IAM access-control mode on."""
    if getattr(access_control.IAMRequestBase, "_localaws_patched", False):
        return
    if os.environ.get("LOCALAWS_UNPATCHED_SIGNATURES") != "1":  # diagnostic: stock moto's check
        access_control.IAMRequestBase._calculate_signature = _patched_calculate_signature
    access_control.IAMRequestBase._localaws_patched = True
    settings.INITIAL_NO_AUTH_ACTION_COUNT = 0


def create_identity(identity: Identity) -> None:
    """Create the IAM user with an allow-all inline policy and the given access key."""
    backend = iam_backends[DEFAULT_ACCOUNT_ID]["aws"]
    backend.create_user(region_name="us-east-1", user_name=USER_NAME)
    key = backend.create_access_key(USER_NAME)
    key.access_key_id = identity.access_key_id
    key.secret_access_key = identity.secret_access_key
    backend.put_user_policy(USER_NAME, "allow-all", ALLOW_ALL_POLICY)


def _error(start_response, status: str, content_type: str, body: bytes):
    start_response(status, [("Content-Type", content_type), ("Content-Length", str(len(body)))])
    return [body]


class SignedMotoApp:
    """WSGI wrapper around moto's dispatcher: raw capture, checks, and harness controls.

    ``controls`` handles ``/_harness/...``; a ``POST /moto-api/reset`` is passed to moto
    and then ``after_reset`` runs (which re-creates the IAM identity with the same keys).
    """

    def __init__(self, dispatcher: DomainDispatcherApplication, controls, after_reset):
        self.dispatcher = dispatcher
        self.controls = controls
        self.after_reset = after_reset
        self.faults = Faults()

    def fault_controls(self, environ, body: bytes, start_response):
        path, method = environ.get("PATH_INFO", ""), environ.get("REQUEST_METHOD", "GET")
        if (method, path) == ("POST", "/_harness/faults"):
            self.faults.configure(json.loads(body) if body.strip() else {})
        elif (method, path) == ("POST", "/_harness/faults/release"):
            self.faults.release()
        payload = json.dumps(self.faults.state()).encode()
        return _error(start_response, "200 OK", "application/json", payload)

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        body = read_raw_body(environ)
        if path.startswith("/_harness/faults"):
            return self.fault_controls(environ, body, start_response)
        if path.startswith("/_harness/"):
            if path == "/_harness/reset":
                self.faults.configure({})
            return self.controls(environ, body, start_response)
        if path.startswith("/moto-api"):
            result = self.dispatcher(environ, start_response)
            if path.rstrip("/") == "/moto-api/reset" and environ.get("REQUEST_METHOD") == "POST":
                self.after_reset()
            return result
        lookup = environ_header_values(environ)
        auth_value = (lookup("authorization") or [None])[0]
        auth = parse_authorization(auth_value)
        if auth_value is None:
            return _error(start_response, "403 Forbidden", "application/json",
                          b'{"__type":"MissingAuthenticationTokenException","message":"Missing Authentication Token"}')
        if auth is None:
            return _error(start_response, "403 Forbidden", "application/json",
                          b'{"__type":"IncompleteSignatureException","message":"Malformed Authorization header"}')
        if auth.service == "s3":
            declared = (lookup("x-amz-content-sha256") or [""])[0]
            if _HEX64.match(declared) and declared != hashlib.sha256(body).hexdigest():
                xml = (b"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>XAmzContentSHA256Mismatch</Code>"
                       b"<Message>The provided 'x-amz-content-sha256' header does not match what was computed."
                       b"</Message></Error>")
                return _error(start_response, "400 Bad Request", "application/xml", xml)
        json_protocol = bool(lookup("x-amz-target")) or auth.service in _REST_JSON_SERVICES
        injected = self.faults.failure(environ, auth.service, json_protocol)
        if injected is not None:
            start_response(injected[0], injected[1])
            return [injected[2]]
        self.faults.wait_if_held(environ)
        raw_uri = environ.get("RAW_URI") or environ.get("REQUEST_URI") or path
        _local.wire = WireRequest(environ.get("REQUEST_METHOD", "GET"), raw_uri, lookup, body)
        captured: dict = {}

        def capture(status, headers, exc_info=None):
            captured.update(status=status, headers=headers)
            return lambda data: None

        try:
            result = self.dispatcher(environ, capture if json_protocol else start_response)
        finally:
            _local.wire = None
        if not json_protocol:
            return result
        payload = b"".join(result)
        if hasattr(result, "close"):
            result.close()
        match = _XML_ERROR.search(payload) if captured["status"].startswith("403") else None
        if match and match.group(1).decode() in _JSON_AUTH_ERRORS:
            code = _JSON_AUTH_ERRORS[match.group(1).decode()]
            payload = json.dumps({"__type": code, "message": match.group(2).decode()}).encode()
            start_response(captured["status"], [("Content-Type", "application/x-amz-json-1.1"),
                                                ("x-amzn-ErrorType", code), ("Content-Length", str(len(payload)))])
            return [payload]
        start_response(captured["status"], captured["headers"])
        return [payload]
