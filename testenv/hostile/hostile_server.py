#!/usr/bin/env python3
"""A hostile S3-compatible server for AWSLite's transport tests.

Standard library only. Binds 127.0.0.1 on a free port, prints one JSON line
{"port": P} and serves until its stdin closes or --lifetime seconds pass, whichever
comes first (it can never outlive the test that started it by more than that).

One --scenario per start decides how it misbehaves; requests it does not sabotage
get a minimal S3 answer (multipart upload, HeadObject, GetObject). Every request
is logged; GET /_hostile/log answers the log as JSON ["METHOD target", ...].
--tls-cert/--tls-key serve https instead of http.
"""
import argparse
import base64
import hashlib
import json
import os
import re
import socket
import socketserver
import ssl
import struct
import sys
import threading
import time
import urllib.parse

OBJECT = b"hello from the hostile server\n"


class State:
    def __init__(self, scenario):
        self.scenario = scenario
        self.lock = threading.Lock()
        self.log = []
        self.counts = {}
        self.uploads = []          # open upload ids
        self.next_upload = 1
        self.completed = None      # composite checksum of the completed object
        self.port = 0

    def count(self, name):
        with self.lock:
            self.counts[name] = self.counts.get(name, 0) + 1
            return self.counts[name]

    def new_upload(self):
        with self.lock:
            upload = "upload-%d" % self.next_upload
            self.next_upload += 1
            self.uploads.append(upload)
            return upload


def read_request(stream):
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = stream.recv(65536)
        if not chunk:
            return None
        head += chunk
        if len(head) > 1 << 20:
            return None
    head, _, rest = head.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    method, target, _ = lines[0].split(" ", 2)
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0"))
    body = rest
    while len(body) < length:
        chunk = stream.recv(min(1 << 20, length - len(body)))
        if not chunk:
            return None
        body += chunk
    return method, target, headers, body[:length]


def answer(stream, status, reason, headers=(), body=b"", length=None):
    lines = ["HTTP/1.1 %d %s" % (status, reason)]
    lines += ["%s: %s" % h for h in headers]
    lines.append("Content-Length: %d" % (len(body) if length is None else length))
    lines.append("Connection: close")
    stream.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)


def xml(stream, status, reason, text, headers=()):
    answer(stream, status, reason, [("Content-Type", "application/xml")] + list(headers), text.encode())


def error(stream, status, reason, code, message):
    xml(stream, status, reason, "<Error><Code>%s</Code><Message>%s</Message><RequestId>hostile</RequestId></Error>" % (code, message))


def reset(stream):
    """Closes with RST (SO_LINGER 0)."""
    try:
        stream.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    except OSError:
        pass
    stream.close()


def composite(body):
    parts = re.findall(rb"<ChecksumSHA256>([^<]*)</ChecksumSHA256>", body)
    joined = b"".join(base64.b64decode(p) for p in parts)
    return base64.b64encode(hashlib.sha256(joined).digest()).decode() + "-%d" % len(parts)


def hold(stream, seconds):
    """Keeps the connection open without answering until the client goes or time passes."""
    stream.settimeout(seconds)
    try:
        while stream.recv(65536):
            pass
    except OSError:
        pass


def s3(state, stream, method, target, headers, body):
    """Minimal S3: multipart upload, HeadObject, GetObject, ListMultipartUploads."""
    path, _, query = target.partition("?")
    if method == "POST" and query.startswith("uploads"):
        xml(stream, 200, "OK", "<InitiateMultipartUploadResult><UploadId>%s</UploadId></InitiateMultipartUploadResult>" % state.new_upload())
    elif method == "PUT" and "partNumber=" in query:
        number = re.search(r"partNumber=(\d+)", query).group(1)
        answer(stream, 200, "OK", [("ETag", '"etag-%s"' % number), ("x-amz-checksum-sha256", headers.get("x-amz-checksum-sha256", ""))])
    elif method == "POST" and "uploadId=" in query:
        state.completed = composite(body)
        xml(stream, 200, "OK", "<CompleteMultipartUploadResult><ETag>\"done-1\"</ETag><ChecksumSHA256>%s</ChecksumSHA256></CompleteMultipartUploadResult>" % state.completed)
    elif method == "DELETE" and "uploadId=" in query:
        answer(stream, 204, "No Content")
    elif method == "GET" and query.startswith("uploads"):
        prefix = urllib.parse.unquote(re.search(r"prefix=([^&]*)", query).group(1))
        with state.lock:
            uploads = "".join("<Upload><Key>%s</Key><UploadId>%s</UploadId></Upload>" % (prefix, u) for u in state.uploads)
        xml(stream, 200, "OK", "<ListMultipartUploadsResult>%s</ListMultipartUploadsResult>" % uploads)
    elif method == "PUT":
        answer(stream, 200, "OK", [("ETag", '"put-1"')])
    elif method == "HEAD":
        extra = [("x-amz-checksum-sha256", state.completed)] if state.completed and headers.get("x-amz-checksum-mode") == "ENABLED" else []
        answer(stream, 200, "OK", [("ETag", '"done-1"')] + extra, length=len(OBJECT))
    elif method == "GET":
        answer(stream, 200, "OK", [("ETag", '"obj-1"'), ("Content-Type", "application/octet-stream")], OBJECT)
    else:
        error(stream, 400, "Bad Request", "InvalidRequest", "unexpected " + method)


def serve(state, stream, request):
    method, target, headers, body = request
    scenario = state.scenario
    path, _, query = target.partition("?")
    is_create = method == "POST" and query.startswith("uploads")
    is_complete = method == "POST" and "uploadId=" in query
    if scenario == "silent":
        return hold(stream, 600)
    if scenario == "stall-body" and method == "GET":
        stream.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n" + b"x" * 100)
        return hold(stream, 600)
    if scenario == "steady" and method == "GET":
        size, piece = 640 * 1024, 32 * 1024
        stream.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\nETag: \"steady\"\r\n\r\n" % size)
        for _ in range(size // piece):
            stream.sendall(b"s" * piece)
            time.sleep(0.15)
        return
    if scenario == "truncated" and method == "GET":
        stream.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n" + b"t" * 500)
        return stream.shutdown(socket.SHUT_RDWR)
    if scenario == "reset":
        return reset(stream)
    if scenario == "reset-once" and state.count("reset-once") == 1:
        return reset(stream)
    if scenario == "storm":
        return xml(stream, 503, "Slow Down", "<Error><Code>SlowDown</Code><Message>storm</Message></Error>")
    if scenario == "retry-after":
        return xml(stream, 503, "Service Unavailable", "<Error><Code>ServiceUnavailable</Code><Message>later</Message></Error>", [("Retry-After", "60")])
    if scenario == "complete-empty" and is_complete:
        return answer(stream, 200, "OK")
    if scenario == "complete-notxml" and is_complete:
        return answer(stream, 200, "OK", [("Content-Type", "text/plain")], b"this is not xml")
    if scenario == "complete-lost" and is_complete:
        if state.count("complete") == 1:
            state.completed = composite(body)
            return reset(stream)
        return error(stream, 404, "Not Found", "NoSuchUpload", "The specified upload does not exist.")
    if scenario == "create-lost" and is_create and state.count("create") == 1:
        state.new_upload()
        return reset(stream)
    if scenario == "create-500" and is_create and state.count("create") == 1:
        return error(stream, 500, "Internal Server Error", "InternalError", "try again")
    if scenario == "redirect-301":
        headers_out = [("x-amz-bucket-region", "eu-central-1"), ("Content-Type", "application/xml")]
        text = b"" if method == "HEAD" else b"<Error><Code>PermanentRedirect</Code><Message>The bucket you are attempting to access must be addressed using the specified endpoint.</Message></Error>"
        return answer(stream, 301, "Moved Permanently", headers_out, text, length=None if method != "HEAD" else 0)
    if scenario == "redirect-307" and not path.startswith("/_stolen"):
        return answer(stream, 307, "Temporary Redirect", [("Location", "http://localhost:%d/_stolen%s" % (state.port, target))])
    if scenario == "huge" and method == "GET":
        size = 200 * 1024 * 1024
        stream.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % size)
        zeros = b"\0" * (1 << 20)
        for _ in range(size >> 20):
            stream.sendall(zeros)
        return
    if scenario == "huge-chunked" and method == "GET":
        stream.sendall(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
        chunk = b"%x\r\n" % (1 << 20) + b"<" * (1 << 20) + b"\r\n"
        for _ in range(1024):
            stream.sendall(chunk)
        return stream.sendall(b"0\r\n\r\n")
    if scenario == "expired-credentials" and path == "/creds":
        return answer(stream, 200, "OK", [("Content-Type", "application/json")], json.dumps({
            "AccessKeyId": "AKIDEXPIRED", "SecretAccessKey": "secret", "Token": "token",
            "Expiration": "2020-01-01T00:00:00Z"}).encode())
    return s3(state, stream, method, target, headers, body)


def make_handler(state, tls):
    class Handler(socketserver.BaseRequestHandler):
        def handle(self):
            stream = self.request
            try:
                if tls is not None:
                    stream = tls.wrap_socket(stream, server_side=True)
                stream.settimeout(120)
                request = read_request(stream)
                if request is None:
                    return
                method, target = request[0], request[1]
                if target == "/_hostile/log":
                    with state.lock:
                        text = json.dumps(state.log).encode()
                    return answer(stream, 200, "OK", [("Content-Type", "application/json")], text)
                with state.lock:
                    state.log.append("%s %s" % (method, target))
                serve(state, stream, request)
            except (OSError, ssl.SSLError, ValueError):
                pass
            finally:
                try:
                    stream.close()
                except OSError:
                    pass
    return Handler


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--scenario", required=True)
    parser.add_argument("--lifetime", type=float, default=180)
    parser.add_argument("--tls-cert")
    parser.add_argument("--tls-key")
    args = parser.parse_args()
    tls = None
    if args.tls_cert:
        tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        tls.load_cert_chain(args.tls_cert, args.tls_key)
    state = State(args.scenario)
    if args.scenario == "no-accept":
        # A listener that never accepts, its queue filled by itself: the kernel drops
        # further SYNs, so a client's connect() hangs (a connect timeout to provoke).
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.bind(("127.0.0.1", 0))
        listener.listen(0)
        state.port = listener.getsockname()[1]
        fillers = []
        for _ in range(8):
            filler = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            filler.setblocking(False)
            try:
                filler.connect(("127.0.0.1", state.port))
            except BlockingIOError:
                pass
            fillers.append(filler)
        time.sleep(0.3)
    else:
        server = Server(("127.0.0.1", 0), make_handler(state, tls))
        state.port = server.server_address[1]
        threading.Thread(target=server.serve_forever, daemon=True).start()
    print(json.dumps({"port": state.port}), flush=True)

    def watch_stdin():
        try:
            while sys.stdin.buffer.read(1):
                pass
        finally:
            os._exit(0)
    threading.Thread(target=watch_stdin, daemon=True).start()
    time.sleep(args.lifetime)
    os._exit(0)


if __name__ == "__main__":
    main()
