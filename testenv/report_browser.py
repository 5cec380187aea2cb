"""Renders a report.html in a real browser — headless Chromium driven over the DevTools
protocol on a pipe (``--remote-debugging-pipe``: no port, no page script) — and returns what
the browser saw: the DOM, the PNG, the page's width at 1280 px, every request the page
made and every script the page parsed.

    python testenv/report_browser.py report.html docs/report-corrupt.png [height]

The page is served by a local HTTP server on 127.0.0.1 that records every request, so
a fetch the page should not make is seen twice (server and DevTools).
"""

from __future__ import annotations

import base64
import functools
import http.server
import json
import os
import select
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field

WIDTH = 1280
HEIGHT = 900


def chromium_path() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


@dataclass
class Rendering:
    dom: str
    png: bytes
    scroll_width: int
    client_width: int
    # What the page itself asked for: DevTools' requests after the page's own, and the
    # local server's log (the page's own GET included).
    devtools_requests: list = field(default_factory=list)
    server_requests: list = field(default_factory=list)
    scripts: list = field(default_factory=list)
    console: list = field(default_factory=list)


class _RecordingHandler(http.server.SimpleHTTPRequestHandler):
    def __init__(self, *args, log: list, **kwargs):
        self._log = log
        super().__init__(*args, **kwargs)

    def do_GET(self):  # noqa: N802 — the base class's name
        self._log.append(("GET", self.path))
        super().do_GET()

    def do_POST(self):  # noqa: N802
        self._log.append(("POST", self.path))
        self.send_error(405)

    def log_message(self, format, *args):  # noqa: A002 — quiet
        pass


class _Pipe:
    """The DevTools protocol over fds: JSON messages ended by NUL."""

    def __init__(self, to_browser: int, from_browser: int, deadline: float):
        self.to_browser, self.from_browser, self.deadline = to_browser, from_browser, deadline
        self.buffer = b""
        self.next_id = 0
        self.events: list = []

    def _read_message(self) -> dict:
        while b"\0" not in self.buffer:
            left = self.deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("browser did not answer in time")
            ready, _, _ = select.select([self.from_browser], [], [], left)
            if not ready:
                continue
            chunk = os.read(self.from_browser, 1 << 20)
            if not chunk:
                raise EOFError("browser closed the DevTools pipe")
            self.buffer += chunk
        message, _, self.buffer = self.buffer.partition(b"\0")
        return json.loads(message)

    def call(self, method: str, params: dict | None = None, session: str | None = None) -> dict:
        self.next_id += 1
        request = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            request["sessionId"] = session
        os.write(self.to_browser, json.dumps(request).encode() + b"\0")
        while True:
            message = self._read_message()
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})
            self.events.append(message)

    def wait_event(self, method: str) -> dict:
        for index, event in enumerate(self.events):
            if event.get("method") == method:
                return self.events.pop(index)
        while True:
            message = self._read_message()
            if message.get("method") == method:
                return message
            self.events.append(message)


def render(page_path: str, timeout: float = 45.0, height: int = HEIGHT) -> Rendering:
    """Serves ``page_path`` from 127.0.0.1 and renders it at 1280 px in headless Chromium."""
    browser = chromium_path()
    if browser is None:
        raise FileNotFoundError("chromium is not installed (scripts/setup-browser installs it)")
    directory, name = os.path.split(os.path.abspath(page_path))
    server_log: list = []
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_RecordingHandler, directory=directory, log=server_log))
    server.timeout = 0.2
    stop = threading.Event()
    deadline = time.monotonic() + timeout

    def serve():
        # Bounded: ends when told to, or at the deadline.
        while not stop.is_set() and time.monotonic() < deadline + 5:
            server.handle_request()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_address[1]}/{name}"
    profile = tempfile.mkdtemp(prefix="ebv-chromium-")
    to_read, to_browser = os.pipe()
    from_browser, to_write = os.pipe()

    def child_fds():
        os.dup2(to_read, 3)
        os.dup2(to_write, 4)

    process = subprocess.Popen(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", "--remote-debugging-pipe", "--no-first-run",
         "--no-default-browser-check", "--disable-extensions", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--mute-audio", "--hide-scrollbars",
         f"--user-data-dir={profile}", f"--window-size={WIDTH},{height}", "about:blank"],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        preexec_fn=child_fds, close_fds=False)
    os.close(to_read)
    os.close(to_write)
    try:
        pipe = _Pipe(to_browser, from_browser, deadline)
        target = pipe.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = pipe.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page", "Network", "Debugger", "Runtime"):
            pipe.call(f"{domain}.enable", session=session)
        pipe.call("Emulation.setDeviceMetricsOverride",
                  {"width": WIDTH, "height": height, "deviceScaleFactor": 1, "mobile": False}, session=session)
        pipe.call("Page.navigate", {"url": url}, session=session)
        pipe.wait_event("Page.loadEventFired")
        # Everything the page did before our own evaluations below.
        seen = list(pipe.events)
        requests = [e["params"]["request"]["url"] for e in seen if e.get("method") == "Network.requestWillBeSent"]
        scripts = [e["params"] for e in seen if e.get("method") == "Debugger.scriptParsed"]
        console = [e["params"] for e in seen if e.get("method") in ("Runtime.consoleAPICalled", "Runtime.exceptionThrown")]

        def evaluate(expression: str):
            return pipe.call("Runtime.evaluate", {"expression": expression, "returnByValue": True},
                             session=session)["result"]["value"]

        dom = evaluate("document.documentElement.outerHTML")
        scroll_width = evaluate("document.documentElement.scrollWidth")
        client_width = evaluate("document.documentElement.clientWidth")
        png = base64.b64decode(pipe.call("Page.captureScreenshot", {"format": "png"}, session=session)["data"])
        try:
            pipe.call("Browser.close")
        except (EOFError, TimeoutError):
            pass
        return Rendering(dom=dom, png=png, scroll_width=scroll_width, client_width=client_width,
                         devtools_requests=[r for r in requests if r != url], server_requests=list(server_log),
                         scripts=scripts, console=console)
    finally:
        stop.set()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        os.close(to_browser)
        os.close(from_browser)
        thread.join(timeout=5)
        server.server_close()
        shutil.rmtree(profile, ignore_errors=True)


def main(argv: list) -> int:
    if len(argv) not in (2, 3):
        print("usage: report_browser.py REPORT.html OUT.png [HEIGHT]", file=sys.stderr)
        return 2
    rendering = render(argv[0], height=int(argv[2]) if len(argv) == 3 else HEIGHT)
    with open(argv[1], "wb") as handle:
        handle.write(rendering.png)
    print(f"{argv[1]}: {len(rendering.png)} bytes; page width {rendering.scroll_width} of {rendering.client_width} px; "
          f"requests {rendering.devtools_requests}; scripts {len(rendering.scripts)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
