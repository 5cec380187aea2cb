"""WSGI app of the AWS Backup stand-in: SigV4 check, routing, validation, dispatch."""

from __future__ import annotations

import calendar
import json
import time
import uuid
from typing import Callable
from urllib.parse import parse_qsl

from .backup_model import BackupError, BackupModel
from .backup_service import BackupState
from .sigv4_check import WireRequest, environ_header_values, parse_authorization, signature_matches

MAX_SKEW_SECONDS = 15 * 60

_REASONS = {200: "OK", 204: "No Content", 400: "Bad Request", 403: "Forbidden", 404: "Not Found",
            405: "Method Not Allowed", 500: "Internal Server Error"}


class BackupApp:
    """Serves the eight Backup operations over ``state``, for one access key."""

    def __init__(self, state: BackupState, model: BackupModel, access_key_id: str, secret_key: str,
                 clock: Callable[[], float] = time.time):
        self.state = state
        self.model = model
        self.access_key_id = access_key_id
        self.secret_key = secret_key
        self.clock = clock

    def __call__(self, environ, start_response):
        from .moto_patch import read_raw_body

        body = read_raw_body(environ)
        method = environ.get("REQUEST_METHOD", "GET")
        raw_uri = environ.get("RAW_URI") or environ.get("PATH_INFO", "/")
        raw_path, _, raw_query = raw_uri.partition("?")
        lookup = environ_header_values(environ)
        operation, params = None, None
        try:
            self._authenticate(WireRequest(method, raw_uri, lookup, body))
            query = dict(parse_qsl(raw_query, keep_blank_values=True))
            op, labels = self.model.route(method, raw_path, query)
            operation = op.name
            handler = BackupState.HANDLERS.get(op.name)
            if handler is None:
                raise BackupError("InvalidRequestException", f"{op.name} is not implemented by the harness stand-in")
            params = self.model.parse_input(op, labels, raw_query, lookup, body)
            self.model.validate_input(op, params)
            result = handler(self.state, params)
            problems = self.model.validate_output(op, result)
            if problems:
                raise BackupError("ServiceUnavailableException", "harness bug, invalid output: " + "; ".join(problems), 500)
            status, headers, payload = self.model.serialize_output(op, result)
            self._record(operation, status, None, params)
        except BackupError as error:
            status, headers, payload = self._error(error)
            self._record(operation, status, error.code, params)
        headers["x-amzn-RequestId"] = str(uuid.uuid4())
        headers["Content-Length"] = str(len(payload))
        start_response(f"{status} {_REASONS.get(status, 'Status')}", list(headers.items()))
        return [payload]

    def _authenticate(self, request: WireRequest) -> None:
        auth_value = (request.header_values("authorization") or [None])[0]
        if auth_value is None:
            raise BackupError("MissingAuthenticationTokenException", "Missing Authentication Token", 403)
        auth = parse_authorization(auth_value)
        if auth is None:
            raise BackupError("IncompleteSignatureException", "Authorization header is not a valid SigV4 header", 403)
        if auth.access_key_id != self.access_key_id:
            raise BackupError("UnrecognizedClientException", "The security token included in the request is invalid.", 403)
        if auth.service != "backup":
            raise BackupError("InvalidSignatureException", "Credential should be scoped to correct service: 'backup'.", 403)
        if auth.region != self.state.region:
            raise BackupError("InvalidSignatureException", f"Credential should be scoped to a valid region, not '{auth.region}'.", 403)
        amz_date = (request.header_values("x-amz-date") or [""])[0]
        try:
            signed_at = calendar.timegm(time.strptime(amz_date, "%Y%m%dT%H%M%SZ"))
        except ValueError:
            raise BackupError("IncompleteSignatureException", "X-Amz-Date header is missing or malformed", 403)
        if abs(self.clock() - signed_at) > MAX_SKEW_SECONDS:
            raise BackupError("InvalidSignatureException", "Signature expired: request time is too far from the server time.", 403)
        if "host" not in auth.signed_headers:
            raise BackupError("InvalidSignatureException", "'Host' must be a signed header.", 403)
        if not signature_matches(request, auth, self.secret_key, s3=False):
            raise BackupError(
                "InvalidSignatureException",
                "The request signature we calculated does not match the signature you provided. "
                "Check your AWS Secret Access Key and signing method.", 403)

    def _error(self, error: BackupError):
        body = json.dumps({"Code": error.code, "Message": error.message}).encode()
        return error.status, {"Content-Type": "application/json", "x-amzn-ErrorType": error.code}, body

    def _record(self, operation, status, code, params) -> None:
        with self.state.lock:
            self.state.calls.append({"operation": operation, "status": status, "error": code, "input": params})
