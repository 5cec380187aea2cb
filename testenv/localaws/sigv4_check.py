"""SigV4 verification over the raw wire request.

Shared by the moto patch (S3, SNS, ECS, EFS) and the AWS Backup stand-in. The request
is rebuilt from what was actually on the wire (the raw request URI and the raw body);
botocore's ``SigV4Auth`` / ``S3SigV4Auth`` then recompute the signature with three
deliberate changes:

* exactly the headers named in ``SignedHeaders`` are canonicalised (botocore's own list
  drops ``user-agent``, ``expect`` and a few others, which a client may legally sign);
* the query string is canonicalised as AWS does it: each name and value is
  percent-decoded and re-encoded with only ``A-Z a-z 0-9 - _ . ~`` left bare;
* the path is taken from the wire: as-is for S3 (single encoding, no normalisation),
  normalised and encoded once more for every other service (botocore's rule, i.e. the
  "double encoding" of the SigV4 spec).
"""

from __future__ import annotations

import hmac
import re
from dataclasses import dataclass
from typing import Callable
from urllib.parse import quote, unquote, urlsplit

from botocore.auth import S3SigV4Auth, SigV4Auth
from botocore.awsrequest import AWSRequest, HTTPHeaders
from botocore.credentials import Credentials

_AUTH_RE = re.compile(
    r"^AWS4-HMAC-SHA256\s+Credential=(?P<cred>[^,\s]+)\s*,\s*"
    r"SignedHeaders=(?P<signed>[^,\s]+)\s*,\s*Signature=(?P<sig>[0-9a-fA-F]+)\s*$"
)


@dataclass(frozen=True)
class AuthorizationHeader:
    """The parts of an ``Authorization: AWS4-HMAC-SHA256 ...`` header."""

    access_key_id: str
    date: str
    region: str
    service: str
    signed_headers: tuple[str, ...]
    signature: str


def parse_authorization(value: str | None) -> AuthorizationHeader | None:
    """Parse a SigV4 ``Authorization`` header; ``None`` when absent or malformed."""
    if not value:
        return None
    match = _AUTH_RE.match(value.strip())
    if not match:
        return None
    parts = match.group("cred").split("/")
    if len(parts) != 5 or parts[4] != "aws4_request":
        return None
    signed = tuple(h.strip().lower() for h in match.group("signed").split(";") if h.strip())
    return AuthorizationHeader(parts[0], parts[1], parts[2], parts[3], signed, match.group("sig").lower())


def canonical_query(raw_query: str) -> str:
    """AWS canonical query string from the raw wire query (decode, re-encode, sort)."""
    if not raw_query:
        return ""
    pairs = []
    for pair in raw_query.split("&"):
        if pair == "":
            continue
        key, _, value = pair.partition("=")
        pairs.append((quote(unquote(key), safe="-_.~"), quote(unquote(value), safe="-_.~")))
    return "&".join(f"{k}={v}" for k, v in sorted(pairs))


class _WireMixin:
    """Overrides that make botocore's signer canonicalise the wire request exactly."""

    wire_signed_headers: tuple[str, ...] = ()
    wire_query: str = ""

    def headers_to_sign(self, request):  # noqa: D401 - botocore hook
        header_map = HTTPHeaders()
        for name in self.wire_signed_headers:
            values = request.headers.get_all(name) or [""]
            for value in values:
                header_map[name] = value
        return header_map

    def canonical_query_string(self, request):  # noqa: D401 - botocore hook
        return canonical_query(self.wire_query)


class _WireSigV4Auth(_WireMixin, SigV4Auth):
    pass


class _WireS3SigV4Auth(_WireMixin, S3SigV4Auth):
    pass


@dataclass(frozen=True)
class WireRequest:
    """A request as it was received: method, raw request URI, header lookup, raw body."""

    method: str
    raw_uri: str
    header_values: Callable[[str], list[str]]
    body: bytes


def expected_signature(request: WireRequest, auth: AuthorizationHeader, secret_key: str, s3: bool) -> str:
    """The signature a correct client with ``secret_key`` would have sent for ``request``."""
    raw = request.raw_uri
    if raw.startswith(("http://", "https://")):  # absolute-form request target
        split = urlsplit(raw)
        path, query = split.path or "/", split.query
    else:  # origin-form; not urlsplit, which reads a leading "//x" as a host
        path, _, query = raw.partition("?")
        path = path if path.startswith("/") else "/" + path
    return _signature_for_path(request, auth, secret_key, s3, query, path)


def signature_matches(request: WireRequest, auth: AuthorizationHeader, secret_key: str, s3: bool) -> bool:
    """Whether the request's signature is one a client with ``secret_key`` may send."""
    return hmac.compare_digest(auth.signature, expected_signature(request, auth, secret_key, s3))


def _signature_for_path(request: WireRequest, auth: AuthorizationHeader, secret_key: str, s3: bool,
                        query: str, path: str) -> str:
    signer_cls = _WireS3SigV4Auth if s3 else _WireSigV4Auth
    signer = signer_cls(Credentials(auth.access_key_id, secret_key), auth.service, auth.region)
    signer.wire_signed_headers = auth.signed_headers
    signer.wire_query = query
    headers = HTTPHeaders()
    for name in auth.signed_headers:
        for value in request.header_values(name):
            headers[name] = value
    aws_request = AWSRequest(method=request.method, url="http://wire" + path, data=request.body, headers=headers)
    amz_date = (request.header_values("x-amz-date") or [""])[0]
    aws_request.context["timestamp"] = amz_date
    canonical = signer.canonical_request(aws_request)
    return signer.signature(signer.string_to_sign(aws_request, canonical), aws_request)


def environ_header_values(environ: dict) -> Callable[[str], list[str]]:
    """Header lookup over a WSGI environ (duplicate headers arrive comma-joined)."""

    def lookup(name: str) -> list[str]:
        lname = name.lower()
        if lname == "content-type":
            key = "CONTENT_TYPE"
        elif lname == "content-length":
            key = "CONTENT_LENGTH"
        else:
            key = "HTTP_" + lname.upper().replace("-", "_")
        value = environ.get(key)
        return [] if value is None else [value]

    return lookup
