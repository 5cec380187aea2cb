"""report.html in a real browser: headless Chromium (Debian's ``chromium``, installed by
scripts/setup-browser) renders the page of a FAIL report made by the built
manifest-worker from trees with hostile names. The verdict, the class counts and the
hostile names must show as text; no script may run; nothing may be fetched; nothing may
overflow at 1280 px. One browser start per page (about 3 s)."""

from __future__ import annotations

import html.parser
import re
import os
import subprocess
import sys

import pytest

TESTENV = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ROOT = os.path.dirname(TESTENV)
BUILD = os.environ.get("EBV_BUILD_DIR", os.path.join(ROOT, ".build", "debug"))
sys.path.insert(0, TESTENV)

import report_browser  # noqa: E402

SCRIPT_PATH = "<script>alert(1)</script>"          # a directory "<script>alert(1)<" and its file "script>"
IMG_NAME = '"><img src=x onerror=alert(1)>'
BIDI_NAME = "invoice\u202egpj.exe"
LONG_NAME = "n" * 250

ALLOWED_TAGS = {"html", "head", "meta", "title", "style", "body", "main", "section", "h1", "h2", "h3", "p", "dl",
                "dt", "dd", "table", "thead", "tbody", "tr", "th", "td", "span", "svg", "rect", "br", "code", "footer"}


class _Page(html.parser.HTMLParser):
    """The DOM dump's tags, its text, and each counts-table row's cells."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: set = set()
        self.text: list = []
        self.rows: dict = {}
        self._row: str | None = None
        self._cell: list | None = None
        self._cells: list = []
        self.h1 = ""
        self._in_h1 = False

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        attrs = dict(attrs)
        if tag == "tr" and (attrs.get("class") or "").startswith("class-"):
            self._row, self._cells = attrs["class"][len("class-"):], []
        if tag == "td" and self._row is not None:
            self._cell = []
        self._in_h1 = tag == "h1"

    def handle_endtag(self, tag):
        if tag == "td" and self._cell is not None:
            self._cells.append("".join(self._cell).strip())
            self._cell = None
        if tag == "tr" and self._row is not None:
            self.rows[self._row] = self._cells
            self._row = None
        if tag == "h1":
            self._in_h1 = False

    def handle_data(self, data):
        self.text.append(data)
        if self._cell is not None:
            self._cell.append(data)
        if self._in_h1:
            self.h1 += data


def _parse(dom: str) -> _Page:
    page = _Page()
    page.feed(dom)
    return page


def _require_browser():
    if report_browser.chromium_path() is None:
        pytest.fail("chromium is not installed: run scripts/setup-browser (scripts/test does)")


def _fail_report(tmp_path) -> str:
    a, b = tmp_path / "a", tmp_path / "b"
    for tree in (a, b):
        (tree / "d").mkdir(parents=True)
        (tree / "d" / "same.txt").write_text("same\n")
    (a / "d" / "ledger.csv").write_text("id,amount\n1,100\n")
    (b / "d" / "ledger.csv").write_text("id,amount\n1,900\n")        # corrupt
    (a / "<script>alert(1)<").mkdir()
    (a / "<script>alert(1)<" / "script>").write_text("x")             # missing, path SCRIPT_PATH
    (b / IMG_NAME).write_text("y")                                    # extra
    (a / BIDI_NAME).write_text("z")                                   # missing
    (a / LONG_NAME).write_text("w")                                   # missing, 250 characters unbroken
    for tree in (a, b):
        for same in (tree / "d" / "same.txt", tree / "d"):        # these two match
            os.utime(same, (1_700_000_000, 1_700_000_000))
    report = tmp_path / "report"
    worker = os.path.join(BUILD, "manifest-worker")
    if not os.access(worker, os.X_OK):
        pytest.fail(f"{worker} is missing: run swift build first")
    completed = subprocess.run([worker, "verify", str(a), str(b), "-q", "--report-dir", str(report)],
                               capture_output=True, text=True, timeout=60)
    assert completed.returncode == 1, completed.stdout + completed.stderr
    return str(report / "report.html")


def test_fail_page_renders_as_text_without_scripts_fetches_or_overflow(tmp_path):
    _require_browser()
    page_path = _fail_report(tmp_path)
    rendering = report_browser.render(page_path)
    # Kept beside the test's files for people: the PNG and the DOM dump.
    (tmp_path / "report.png").write_bytes(rendering.png)
    (tmp_path / "report.dom.html").write_text(rendering.dom)

    page = _parse(rendering.dom)
    assert page.h1 == "FAIL"
    text = "".join(page.text)
    assert "6 error findings" in text
    assert page.rows["missing"][0::2] == ["missing", "4"], page.rows
    assert page.rows["extra"][0::2] == ["extra", "1"]
    assert page.rows["corrupt"][0::2] == ["corrupt", "1"]
    assert page.rows["match"][0::2] == ["match", "2"]
    assert [page.rows[c][1] for c in ("missing", "extra", "corrupt", "match")] == ["error", "error", "error", "ok"]
    # Hostile names are text (shown escaped and quoted where HumanText quotes them).
    assert SCRIPT_PATH in text
    assert '"\\"><img src=x onerror=alert(1)>"' in text
    assert '"invoice\\u{202E}gpj.exe"' in text
    assert "\u202e" not in rendering.dom
    # Only the renderer's own elements: no script, img, iframe, link, form …
    assert page.tags <= ALLOWED_TAGS, page.tags - ALLOWED_TAGS
    # Nothing ran, nothing was fetched but the page itself.
    assert rendering.scripts == []
    assert rendering.console == []
    assert rendering.devtools_requests == []
    assert rendering.server_requests == [("GET", "/report.html")]
    # Nothing overflows horizontally at 1280 px (the 250-character name wraps).
    assert rendering.client_width == 1280
    assert rendering.scroll_width <= rendering.client_width
    assert rendering.png.startswith(b"\x89PNG\r\n\x1a\n")


def test_the_checks_see_a_script_a_fetch_and_an_overflow(tmp_path):
    """The same checks on a page that does what report.html must not: they must fail."""
    _require_browser()
    bad = tmp_path / "bad.html"
    bad.write_text('<!DOCTYPE html><html><body><div style="width:3000px">wide</div>'
                   '<script>document.title = "ran"</script><img src="/fetched.png"></body></html>')
    rendering = report_browser.render(str(bad))
    assert len(rendering.scripts) >= 1
    assert any(url.endswith("/fetched.png") for url in rendering.devtools_requests)
    assert ("GET", "/fetched.png") in rendering.server_requests
    assert rendering.scroll_width > rendering.client_width
    assert {"script", "img"} <= _parse(rendering.dom).tags


def test_walks_table_renders_each_manifests_walk(tmp_path):
    """A diff of two manifests: the "Walks" table has one row per manifest, its counts and
    times as text, and fits 1280 px like the rest of the page."""
    _require_browser()
    worker = os.path.join(BUILD, "manifest-worker")
    if not os.access(worker, os.X_OK):
        pytest.fail(f"{worker} is missing: run swift build first")
    tree = tmp_path / "t"
    (tree / "d").mkdir(parents=True)
    (tree / "d" / "a.txt").write_text("hello\n")
    (tree / "b.bin").write_bytes(b"x" * 1000)
    for name in ("baseline", "restored"):
        done = subprocess.run([worker, "generate", str(tree), "-o", str(tmp_path / f"{name}.gz"), "-q"],
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
    report = tmp_path / "report"
    done = subprocess.run([worker, "diff", str(tmp_path / "baseline.gz"), str(tmp_path / "restored.gz"), "-q",
                           "--report-dir", str(report)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    rendering = report_browser.render(str(report / "report.html"))
    section = re.search(r'<section id="walks">(.*?)</section>', rendering.dom, re.S)
    assert section, rendering.dom
    rows = {}
    for row in re.findall(r"<tr>(.*?)</tr>", section.group(1), re.S):
        cells = [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)]
        rows[cells[0]] = cells
    assert rows["role"] == ["role", "started", "completed", "duration", "entries", "files", "bytes", "errors",
                            "files/s", "MB/s"], rows
    assert sorted(rows) == ["baseline", "restored", "role"], rows
    for role in ("baseline", "restored"):
        cells = rows[role]
        assert cells[4:8] == ["3", "2", "1006", "0"], cells
        assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", cell) for cell in cells[1:3]), cells
        assert re.fullmatch(r"\d+s", cells[3]), cells
    assert rendering.scripts == [] and rendering.console == []
    assert rendering.scroll_width <= rendering.client_width == 1280


def _trailer(path) -> dict:
    """The trailer of a gzipped manifest (its last line)."""
    import gzip
    import json
    with gzip.open(path, "rt", encoding="utf-8") as f:
        last = f.read().rstrip("\n").rsplit("\n", 1)[-1]
    return json.loads(last)["trailer"]


def test_walks_table_shows_each_shard_of_a_set(tmp_path):
    """A manifest set (3 shards) diffed: its role row is the parts' aggregate, a row per
    shard follows it (0-based), the balance is stated below, and the page still fits 1280 px."""
    import hashlib
    import json
    _require_browser()
    worker = os.path.join(BUILD, "manifest-worker")
    if not os.access(worker, os.X_OK):
        pytest.fail(f"{worker} is missing: run swift build first")
    tree = tmp_path / "t"
    for d in ("a", "b", "c"):
        (tree / d).mkdir(parents=True)
        for i in range(4):
            (tree / d / f"f{i}").write_bytes(b"x" * (100 * (i + 1)))

    def run(*args):
        done = subprocess.run([worker, *args], capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stdout + done.stderr

    run("generate", str(tree), "-o", str(tmp_path / "full.gz"), "-q")
    run("plan-shards", str(tmp_path / "full.gz"), "--shards", "3", "-o", str(tmp_path / "plan.json"), "-q")
    parts = []
    for i in range(3):
        run("generate", str(tree), "--plan", str(tmp_path / "plan.json"), "--shard", str(i),
            "-o", str(tmp_path / f"part-{i}.gz"), "-q")
        t = _trailer(tmp_path / f"part-{i}.gz")
        parts.append({"index": i, "location": f"part-{i}.gz", "entries": t["entries"], "entriesSha256": t["entriesSha256"]})
    plan = hashlib.sha256((tmp_path / "plan.json").read_bytes()).hexdigest()
    (tmp_path / "restored.set.json").write_text(json.dumps(
        {"manifestSet": "efs-backup-verifier/set-1", "plan": plan, "role": "local", "parts": parts}))
    report = tmp_path / "report"
    done = subprocess.run([worker, "diff", str(tmp_path / "full.gz"), str(tmp_path / "restored.set.json"), "-q",
                           "--restored-root", "none", "--report-dir", str(report)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    rendering = report_browser.render(str(report / "report.html"))
    section = re.search(r'<section id="walks">(.*?)</section>', rendering.dom, re.S)
    assert section, rendering.dom
    rows = []
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", section.group(1), re.S):
        rows.append([re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)])
    assert [r[0] for r in rows] == ["role", "baseline", "restored", "shard 0 of 3", "shard 1 of 3", "shard 2 of 3"], rows
    restored, shards = rows[2], rows[3:]
    assert int(restored[4]) == sum(int(s[4]) for s in shards) == 15       # entries: 3 dirs and 12 files
    assert int(restored[5]) == sum(int(s[5]) for s in shards) == 12       # files
    assert restored[1] == min(s[1] for s in shards) and restored[2] == max(s[2] for s in shards)
    note = re.search(r'<p class="note">(.*?)</p>', section.group(1), re.S)
    assert note and re.fullmatch(r"restored: 3 shards, balance \d+(\.\d+)? \(the longest shard duration over the mean\): "
                                 r"slowest shard [0-2] of 3, \d+s; mean \d+s\.", note.group(1)), section.group(1)
    summary = (report / "summary.txt").read_text()
    assert re.search(r"\n  restored: .*\n    shards: 3, balance .*\n    shard 0 of 3: .*\n    shard 1 of 3: .*\n"
                     r"    shard 2 of 3: .*\n$", summary), summary
    assert rendering.scripts == [] and rendering.console == []
    assert rendering.scroll_width <= rendering.client_width == 1280
