"""S3 through moto with signature checking on (the patched canonicalisation)."""

import base64
import hashlib
import http.client
import urllib.error
import urllib.request
from urllib.parse import urlsplit

import boto3
import pytest
from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

KEYS = ["plain.txt", "a+b.txt", "with space/and more.txt", "eq=sign&amp.json", "unicodé/ü.txt", "dir/sub/x~y.bin"]


def test_put_get_head_delete_keys_with_encoded_characters(harness):
    s3 = harness.client("s3")
    s3.create_bucket(Bucket="bkt")
    for key in KEYS:
        body = f"content of {key}".encode()
        digest = base64.b64encode(hashlib.sha256(body).digest()).decode()
        put = s3.put_object(Bucket="bkt", Key=key, Body=body, ChecksumAlgorithm="SHA256")
        assert put["ChecksumSHA256"] == digest
        got = s3.get_object(Bucket="bkt", Key=key, ChecksumMode="ENABLED")
        assert got["Body"].read() == body
        assert got["ChecksumSHA256"] == digest
        assert s3.head_object(Bucket="bkt", Key=key)["ContentLength"] == len(body)
    listed = s3.list_objects_v2(Bucket="bkt")
    assert sorted(o["Key"] for o in listed["Contents"]) == sorted(KEYS)
    for key in KEYS:
        s3.delete_object(Bucket="bkt", Key=key)
    assert s3.list_objects_v2(Bucket="bkt")["KeyCount"] == 0


def test_list_with_prefix_and_delimiter_and_pagination(harness):
    s3 = harness.client("s3")
    s3.create_bucket(Bucket="bkt")
    for key in ["dir/a", "dir/b", "dir/sub/c", "other/d", "dir+x/e"]:
        s3.put_object(Bucket="bkt", Key=key, Body=b"x")
    page = s3.list_objects_v2(Bucket="bkt", Prefix="dir/", Delimiter="/", MaxKeys=1)
    assert [o["Key"] for o in page["Contents"]] == ["dir/a"]
    assert page["IsTruncated"] is True
    rest = s3.list_objects_v2(Bucket="bkt", Prefix="dir/", Delimiter="/", ContinuationToken=page["NextContinuationToken"])
    assert [o["Key"] for o in rest["Contents"]] == ["dir/b"]
    assert [p["Prefix"] for p in rest["CommonPrefixes"]] == ["dir/sub/"]
    plus = s3.list_objects_v2(Bucket="bkt", Prefix="dir+x/")
    assert [o["Key"] for o in plus["Contents"]] == ["dir+x/e"]


def test_ranges_and_conditional_writes(harness):
    s3 = harness.client("s3")
    s3.create_bucket(Bucket="bkt")
    s3.put_object(Bucket="bkt", Key="state.json", Body=b"0123456789", IfNoneMatch="*")
    assert s3.get_object(Bucket="bkt", Key="state.json", Range="bytes=2-4")["Body"].read() == b"234"
    with pytest.raises(ClientError) as error:
        s3.put_object(Bucket="bkt", Key="state.json", Body=b"again", IfNoneMatch="*")
    assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 412


def test_multipart_upload_with_checksums_and_abort(harness):
    s3 = harness.client("s3")
    s3.create_bucket(Bucket="bkt")
    parts_data = [b"a" * (5 * 1024 * 1024), b"tail part"]
    upload = s3.create_multipart_upload(Bucket="bkt", Key="manifests/m 1+.ndjson.gz", ChecksumAlgorithm="SHA256")
    parts = []
    for number, data in enumerate(parts_data, start=1):
        digest = base64.b64encode(hashlib.sha256(data).digest()).decode()
        answer = s3.upload_part(Bucket="bkt", Key="manifests/m 1+.ndjson.gz", UploadId=upload["UploadId"],
                                PartNumber=number, Body=data, ChecksumSHA256=digest)
        parts.append({"PartNumber": number, "ETag": answer["ETag"], "ChecksumSHA256": digest})
    s3.complete_multipart_upload(Bucket="bkt", Key="manifests/m 1+.ndjson.gz", UploadId=upload["UploadId"],
                                 MultipartUpload={"Parts": parts})
    body = s3.get_object(Bucket="bkt", Key="manifests/m 1+.ndjson.gz")["Body"].read()
    assert hashlib.sha256(body).hexdigest() == hashlib.sha256(b"".join(parts_data)).hexdigest()

    aborted = s3.create_multipart_upload(Bucket="bkt", Key="partial")
    s3.upload_part(Bucket="bkt", Key="partial", UploadId=aborted["UploadId"], PartNumber=1, Body=b"x")
    s3.abort_multipart_upload(Bucket="bkt", Key="partial", UploadId=aborted["UploadId"])
    assert [o["Key"] for o in s3.list_objects_v2(Bucket="bkt").get("Contents", [])] == ["manifests/m 1+.ndjson.gz"]


def test_wrong_secret_is_403_signature_does_not_match(harness):
    harness.client("s3").create_bucket(Bucket="bkt")
    bad = harness.client("s3", secret="x" * 40)
    for call in (lambda: bad.list_objects_v2(Bucket="bkt", Prefix="dir/"),
                 lambda: bad.put_object(Bucket="bkt", Key="a+b c", Body=b"x")):
        with pytest.raises(ClientError) as error:
            call()
        assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
        assert error.value.response["Error"]["Code"] == "SignatureDoesNotMatch"


def test_unknown_access_key_and_unsigned_requests_are_403(harness):
    harness.client("s3").create_bucket(Bucket="bkt")
    headers = {"x-amz-content-sha256": hashlib.sha256(b"").hexdigest()}
    status, _, _ = harness.signed("s3", "GET", harness.endpoint + "/bkt?list-type=2", headers=headers)
    assert status == 200
    stranger = boto3_client_with_key(harness, "AKIAUNKNOWNUNKNOWN00")
    with pytest.raises(ClientError) as error:
        stranger.list_objects_v2(Bucket="bkt")
    assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    assert error.value.response["Error"]["Code"] == "InvalidAccessKeyId"
    with pytest.raises(urllib.error.HTTPError) as http_error:
        urllib.request.urlopen(harness.endpoint + "/bkt?list-type=2", timeout=10)
    assert http_error.value.code == 403
    assert b"MissingAuthenticationTokenException" in http_error.value.read()


def boto3_client_with_key(harness, access_key_id):
    return boto3.client("s3", endpoint_url=harness.endpoint, region_name=harness.region,
                        aws_access_key_id=access_key_id, aws_secret_access_key=harness.secret_access_key,
                        config=Config(retries={"max_attempts": 1}, s3={"addressing_style": "path"}))


def test_declared_payload_hash_must_match_the_body(harness):
    harness.client("s3").create_bucket(Bucket="bkt")
    status, _, body = harness.signed("s3", "PUT", harness.endpoint + "/bkt/k", body=b"actual",
                                     headers={"x-amz-content-sha256": hashlib.sha256(b"other").hexdigest()})
    assert status == 400
    assert b"<Code>XAmzContentSHA256Mismatch</Code>" in body


def test_virtual_host_addressing_is_signed_over_the_host_header(harness):
    harness.client("s3").create_bucket(Bucket="vbkt")
    port = urlsplit(harness.endpoint).port
    body = b"virtual host body"
    request = AWSRequest(method="PUT", url=f"http://vbkt.localhost:{port}/dir/a%2Bb%20c.txt", data=body,
                         headers={"x-amz-content-sha256": hashlib.sha256(body).hexdigest()})
    S3SigV4Auth(Credentials(harness.access_key_id, harness.secret_access_key), "s3", "us-east-1").add_auth(request)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("PUT", "/dir/a%2Bb%20c.txt", body=body,
                       headers={**dict(request.headers), "Host": f"vbkt.localhost:{port}"})
    response = connection.getresponse()
    assert response.status == 200, response.read()
    assert harness.client("s3").get_object(Bucket="vbkt", Key="dir/a+b c.txt")["Body"].read() == body
