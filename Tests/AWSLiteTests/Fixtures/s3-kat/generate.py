#!/usr/bin/env python3
"""Generates known-answer SigV4 signatures with botocore for the Swift signer tests.

Run once (python3 with botocore installed):
    python3 generate.py > cases.json

Each case is a request as it goes on the wire (method, host, encoded path and query,
headers in order, body) plus what botocore computed for it with a fixed clock:
canonical request, string to sign, signature and Authorization header. S3 cases use
botocore.auth.S3SigV4Auth (single encoding, no path normalisation,
x-amz-content-sha256 signed); the others use botocore.auth.SigV4Auth.
"""
import base64
import datetime
import hashlib
import json
import sys
from types import SimpleNamespace
from unittest import mock
from urllib.parse import quote

import botocore
import botocore.auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

FIXED = datetime.datetime(2026, 11, 21, 23, 59, 58)
ACCESS_KEY = "AKIAIOSFODNN7EXAMPLE"
SECRET_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
TOKEN = "IQoJb3JpZ2luX2VjEXAMPLE//////////wEaCXVzLWVhc3QtMSJHMEUCIQD+token=="


def key_path(key):
    """How botocore serialises a greedy S3 key label: percent_encode with safe '/~'."""
    return "/" + quote(key, safe="/~")


def recording(auth_class):
    class Recording(auth_class):
        def string_to_sign(self, request, canonical_request):
            self.recorded_canonical = canonical_request
            sts = super().string_to_sign(request, canonical_request)
            self.recorded_sts = sts
            return sts

    return Recording


def sign(name, service, method, scheme, host, path, query="", headers=(), body=b"",
         token=None, unsigned_payload=False, note=""):
    url = f"{scheme}://{host}{path}" + (f"?{query}" if query else "")
    request = AWSRequest(method=method, url=url, headers=dict(headers), data=body)
    if unsigned_payload:
        request.context["client_config"] = SimpleNamespace(s3={"payload_signing_enabled": False})
    credentials = Credentials(ACCESS_KEY, SECRET_KEY, token)
    s3 = service == "s3"
    auth_class = botocore.auth.S3SigV4Auth if s3 else botocore.auth.SigV4Auth
    auth = recording(auth_class)(credentials, service, "us-east-1")
    with mock.patch("botocore.auth.get_current_datetime", return_value=FIXED):
        auth.add_auth(request)
    payload_hash = auth.recorded_canonical.rsplit("\n", 1)[1]
    return {
        "name": name,
        "note": note,
        "options": "s3" if s3 else "standard",
        "service": service,
        "region": "us-east-1",
        "date": FIXED.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "accessKeyId": ACCESS_KEY,
        "secretAccessKey": SECRET_KEY,
        "sessionToken": token,
        "method": method,
        "host": host,
        "path": path,
        "query": query,
        "headers": [[k, v] for k, v in headers],
        "body": body.decode("utf-8"),
        "payloadHash": payload_hash,
        "expected": {
            "canonicalRequest": auth.recorded_canonical,
            "stringToSign": auth.recorded_sts,
            "signature": request.headers["Authorization"].rsplit("Signature=", 1)[1],
            "authorization": request.headers["Authorization"],
        },
    }


def main():
    vh = "ebv-manifests.s3.us-east-1.amazonaws.com"
    body = b'{"format":"ebv-manifest","version":1}\n'
    cases = [
        sign("get-key-with-spaces", "s3", "GET", "https", vh, key_path("manifests/run 1/a b c.json"),
             note="spaces encoded once as %20"),
        sign("get-key-with-plus-and-equals", "s3", "GET", "https", vh, key_path("dir/a+b=c&d.txt"),
             note="+ = & encoded once"),
        sign("get-key-unicode", "s3", "GET", "https", vh, key_path("données/ファイル ü.txt")),
        sign("get-key-with-colon-and-reserved", "s3", "GET", "https", vh,
             key_path("backups/arn:aws:backup/it's (1)*!.json"),
             note="%3A stays %3A for S3 (no second encoding)"),
        sign("get-key-with-dot-segments", "s3", "GET", "https", vh, key_path("a/./b/../c//d"),
             note="S3 paths are not normalised"),
        sign("list-objects-v2-prefix", "s3", "GET", "https", vh, "/",
             query="list-type=2&prefix=dir%2F&max-keys=1000",
             note="query sorted: list-type, max-keys, prefix"),
        sign("list-objects-v2-continuation", "s3", "GET", "https", vh, "/",
             query="continuation-token=1%2Bab%3D%3D&list-type=2&prefix=m%20n%2F&start-after=%C3%BC"),
        sign("put-object-signed-payload", "s3", "PUT", "https", vh, key_path("manifests/m 1.json"),
             headers=[("Content-Type", "application/json"),
                      ("Content-Length", str(len(body))),
                      ("x-amz-checksum-sha256", base64.b64encode(hashlib.sha256(body).digest()).decode()),
                      ("If-None-Match", "*"),
                      ("x-amz-meta-note", "  two   spaces  ")],
             body=body),
        sign("put-part-unsigned-payload", "s3", "PUT", "https", vh, key_path("manifests/big.json.gz"),
             query="partNumber=3&uploadId=VXBsb2FkIElE%2Bx%3D",
             headers=[("Content-Length", "12")], body=b"part-3-bytes", unsigned_payload=True,
             note="UNSIGNED-PAYLOAD as x-amz-content-sha256"),
        sign("create-multipart-upload", "s3", "POST", "https", vh, key_path("manifests/big.json.gz"),
             query="uploads", headers=[("x-amz-checksum-algorithm", "SHA256")],
             note="query key without value canonicalises to uploads="),
        sign("head-object-session-token", "s3", "HEAD", "https", vh, key_path("state/run.json"),
             token=TOKEN, note="x-amz-security-token signed"),
        sign("delete-object-path-style-port", "s3", "DELETE", "http", "127.0.0.1:5000",
             "/ebv-manifests" + key_path("tmp/x y.json"), headers=[("If-Match", '"3858f62230ac3c915f300c664312c63f"')],
             note="path-style against a local endpoint; host keeps the port"),
        sign("backup-restore-metadata-arn-label", "backup", "GET", "https", "backup.us-east-1.amazonaws.com",
             "/backup-vaults/Default/recovery-points/"
             + quote("arn:aws:backup:us-east-1:123456789012:recovery-point:1EB3B5E7-9EB0-435A-A80B-108B488B0D45", safe="")
             + "/restore-metadata",
             note="label encoded on the wire (%3A) and again in the canonical URI (%253A)"),
        sign("backup-start-restore-job", "backup", "PUT", "https", "backup.us-east-1.amazonaws.com", "/restore-jobs",
             headers=[("Content-Type", "application/json")],
             body=b'{"RecoveryPointArn":"arn:aws:backup:us-east-1:123456789012:recovery-point:1","Metadata":{"newFileSystem":"true"}}',
             token=TOKEN),
        sign("sns-publish-form", "sns", "POST", "https", "sns.us-east-1.amazonaws.com", "/",
             headers=[("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")],
             body=b"Action=Publish&Version=2010-03-31&TopicArn=arn%3Aaws%3Asns%3Aus-east-1%3A123456789012%3At&Message=hi"),
        sign("efs-describe-access-points-query", "elasticfilesystem", "GET", "https",
             "elasticfilesystem.us-east-1.amazonaws.com", "/2015-02-01/access-points",
             query="FileSystemId=fs-12345678&MaxResults=10"),
    ]
    json.dump({"generator": f"botocore {botocore.__version__}", "cases": cases}, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
