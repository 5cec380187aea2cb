"""The harness's wire-level SigV4 check reproduces the published suite's signatures
(header-signed cases; the unnormalised ones with the S3 rule), so it checks what AWS checks."""

import json
import os

import pytest

from conftest import TESTENV
from localaws.sigv4_check import WireRequest, parse_authorization, signature_matches


def _suite_dir() -> str:
    # The published suite is committed with the Swift tests' fixtures (with its LICENSE).
    repo = os.path.dirname(TESTENV)
    candidate = os.path.join(repo, "Tests", "AWSLiteTests", "Fixtures", "sigv4")
    if not os.path.isdir(candidate):
        raise AssertionError(f"SigV4 test suite not found at {candidate}")
    return candidate


SUITE = _suite_dir()
CASES = sorted(c for c in os.listdir(SUITE) if os.path.isfile(os.path.join(SUITE, c, "header-signed-request.txt")))


def parse_signed_request(text: str):
    head, _, body = text.partition("\n\n")
    lines = head.split("\n")
    request_line = lines[0]
    method, _, rest = request_line.partition(" ")
    target = rest.rsplit(" HTTP/", 1)[0]
    headers: dict[str, list[str]] = {}
    last = None
    for line in lines[1:]:
        if line[:1] in (" ", "\t") and last is not None:
            headers[last][-1] += " " + line.strip()
            continue
        name, _, value = line.partition(":")
        last = name.strip().lower()
        headers.setdefault(last, []).append(value.strip())
    return method, target, headers, body.encode()


@pytest.mark.parametrize("case", CASES)
def test_header_signed_case(case):
    directory = os.path.join(SUITE, case)
    with open(os.path.join(directory, "context.json")) as handle:
        context = json.load(handle)
    s3 = not context.get("normalize", True)  # the S3 rule: the path exactly as on the wire
    with open(os.path.join(directory, "header-signed-request.txt"), newline="") as handle:
        method, target, headers, body = parse_signed_request(handle.read().replace("\r\n", "\n"))
    auth = parse_authorization(headers["authorization"][0])
    assert auth is not None
    wire = WireRequest(method, target, lambda name: headers.get(name.lower(), []), body)
    secret = context["credentials"]["secret_access_key"]
    if s3 and " " in target:
        target = target.replace(" ", "%20")  # a client sends a space encoded once
        wire = WireRequest(method, target, wire.header_values, body)
    assert signature_matches(wire, auth, secret, s3=s3)
    assert not signature_matches(wire, auth, secret[:-1] + "X", s3=s3)
