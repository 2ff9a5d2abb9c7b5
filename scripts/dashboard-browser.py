#!/usr/bin/env python3
"""Loads the dashboard in headless Chromium (Debian's `chromium`, over the DevTools protocol) or
Firefox (`firefox-esr`, over WebDriver BiDi) and reports what the page shows, as one JSON object on
stdout; the caller (Tests/CLITests/DashboardBrowserTests.swift) asserts on it. Standard library
only: a minimal WebSocket client (RFC 6455, client side) speaks either protocol.

    dashboard-browser.py --url http://127.0.0.1:PORT/ --pools N --screenshot out.png
        [--browser chromium|firefox] [--timeout 90] [--settle 0] [--token-env NAME]

Observes, each wait bounded by --timeout: the pools table reaching N rows, a price cell changing
after that, an opportunity row appearing; then saves a PNG screenshot. Uncaught page exceptions and
console errors are reported too. The browser runs in its own session and is always reaped (SIGTERM,
then SIGKILL); it also dies with this script (PR_SET_PDEATHSIG). Exit 2 when the browser is missing.
"""
import argparse
import base64
import ctypes
import json
import os
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
import urllib.request


class WebSocket:
    """Just enough of a WebSocket client for CDP: text frames out (masked), frames in."""

    def __init__(self, url, timeout):
        assert url.startswith("ws://"), url
        hostport, _, path = url[5:].partition("/")
        host, _, port = hostport.partition(":")
        self.sock = socket.create_connection((host, int(port)), timeout=timeout)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall(
            (f"GET /{path} HTTP/1.1\r\nHost: {hostport}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
             f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise RuntimeError("DevTools closed the connection during the handshake")
            head += chunk
        head, _, self.buffer = head.partition(b"\r\n\r\n")
        if b" 101 " not in head.split(b"\r\n")[0]:
            raise RuntimeError(f"DevTools refused the WebSocket: {head[:200]!r}")

    def send(self, text):
        data = text.encode()
        mask = os.urandom(4)
        n = len(data)
        header = bytes([0x81]) + (bytes([0x80 | n]) if n < 126 else
                                  bytes([0x80 | 126]) + struct.pack(">H", n) if n < 65536 else
                                  bytes([0x80 | 127]) + struct.pack(">Q", n))
        self.sock.sendall(header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(data)))

    def _read(self, n):
        while len(self.buffer) < n:
            chunk = self.sock.recv(1 << 16)
            if not chunk:
                raise RuntimeError("DevTools closed the connection")
            self.buffer += chunk
        out, self.buffer = self.buffer[:n], self.buffer[n:]
        return out

    def receive(self):
        """One whole text message (continuation frames joined); socket timeout bounds the wait."""
        parts = []
        while True:
            b0, b1 = self._read(2)
            n = b1 & 0x7F
            if n == 126:
                n = struct.unpack(">H", self._read(2))[0]
            elif n == 127:
                n = struct.unpack(">Q", self._read(8))[0]
            payload = self._read(n)
            opcode = b0 & 0x0F
            if opcode == 8:
                raise RuntimeError("DevTools closed the WebSocket")
            if opcode in (0, 1, 2):
                parts.append(payload)
                if b0 & 0x80:
                    return b"".join(parts).decode()


class Session:
    """JSON commands by id over the WebSocket (CDP and BiDi share this shape); events are kept."""

    def __init__(self, ws):
        self.ws, self.next_id, self.events = ws, 0, []

    def call(self, method, **params):
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            m = json.loads(self.ws.receive())
            if m.get("id") == self.next_id:
                failure = self.failure(m)
                if failure:
                    raise RuntimeError(f"{method}: {failure}")
                return m.get("result", {})
            if "method" in m:
                self.events.append(m)


class Page(Session):
    """Chromium: CDP on one page target."""

    @staticmethod
    def failure(m):
        return m.get("error")

    def start(self):
        for domain in ("Runtime", "Page", "Log"):
            self.call(domain + ".enable")

    def navigate(self, url):
        self.call("Page.navigate", url=url)

    def eval(self, expression):
        r = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        if "exceptionDetails" in r:
            raise RuntimeError(f"evaluate {expression!r}: {r['exceptionDetails']}")
        return r["result"].get("value")

    def screenshot(self):
        return base64.b64decode(self.call("Page.captureScreenshot", format="png", captureBeyondViewport=True)["data"])

    def errors(self):
        """(uncaught exceptions, console errors) seen so far."""
        self.eval("1")  # drain events that arrived meanwhile
        thrown = [e["params"]["exceptionDetails"].get("exception", {}).get("description") or e["params"]["exceptionDetails"].get("text")
                  for e in self.events if e["method"] == "Runtime.exceptionThrown"]
        # Browser-side errors (failed loads, blocked by the policy) come as Log entries, console.error() as API calls.
        console = [e["params"]["entry"]["text"] for e in self.events
                   if e["method"] == "Log.entryAdded" and e["params"]["entry"]["level"] == "error"]
        console += [" ".join(str(a.get("value", a.get("description", ""))) for a in e["params"]["args"]) for e in self.events
                    if e["method"] == "Runtime.consoleAPICalled" and e["params"]["type"] == "error"]
        return thrown, console

    def close(self):
        self.call("Browser.close")


class BidiPage(Session):
    """Firefox: WebDriver BiDi on the first browsing context; the same interface as `Page`."""

    @staticmethod
    def failure(m):
        return m.get("type") == "error" and f"{m.get('error')}: {m.get('message')}"

    def start(self):
        self.call("session.new", capabilities={})
        self.call("session.subscribe", events=["log.entryAdded"])
        self.context = self.call("browsingContext.getTree")["contexts"][0]["context"]

    def navigate(self, url):
        self.call("browsingContext.navigate", context=self.context, url=url, wait="interactive")

    def eval(self, expression):
        # Values come back as JSON text: BiDi's own serialization of objects is a tree of typed nodes.
        r = self.call("script.evaluate", expression=f"JSON.stringify(({expression}))", target={"context": self.context},
                      awaitPromise=False)
        if r.get("type") == "exception":
            raise RuntimeError(f"evaluate {expression!r}: {r.get('exceptionDetails')}")
        v = r["result"].get("value")
        return None if v is None else json.loads(v)

    def screenshot(self):
        return base64.b64decode(self.call("browsingContext.captureScreenshot", context=self.context, origin="document")["data"])

    def errors(self):
        self.eval("1")
        entries = [e["params"] for e in self.events if e["method"] == "log.entryAdded"]
        thrown = [e.get("text") for e in entries if e.get("type") == "javascript" and e.get("level") == "error"]
        console = [e.get("text") for e in entries if e.get("type") == "console" and e.get("level") == "error"]
        return thrown, console

    def close(self):
        self.call("browser.close")


def wait_for(what, timeout, probe):
    """Polls `probe` every 200 ms until it returns something truthy or `timeout` s pass."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        v = probe()
        if v:
            return v
        time.sleep(0.2)
    raise TimeoutError(f"{what}: not within {timeout} s")


LIBC = ctypes.CDLL("libc.so.6", use_errno=True)


def die_with_parent():
    LIBC.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def reap_descendants(timeout):
    """Waits for every child, including Chromium helpers orphaned to this subreaper; True when none is left."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return True
        if pid == 0:
            time.sleep(0.05)
    return False


def launch_chromium(binary, profile):
    """Headless Chromium with DevTools on a kernel-chosen port (read back from DevToolsActivePort)."""
    browser = subprocess.Popen(
        [binary, "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
         "--no-default-browser-check", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--disable-extensions", "--window-size=1400,1500", "--hide-scrollbars",
         f"--user-data-dir={profile}", "--remote-debugging-port=0", "about:blank"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True, preexec_fn=die_with_parent)

    def connect():
        port_file = os.path.join(profile, "DevToolsActivePort")
        port = wait_for("DevToolsActivePort", 30, lambda: os.path.exists(port_file) and open(port_file).read().split("\n")[0])
        targets = wait_for("a page target", 10, lambda: [t for t in json.load(
            urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=5)) if t["type"] == "page"])
        return Page(WebSocket(targets[0]["webSocketDebuggerUrl"], timeout=30))
    return browser, connect


def launch_firefox(binary, profile):
    """Headless Firefox with WebDriver BiDi on a kernel-chosen port (read back from its log line)."""
    log = os.path.join(profile, "stderr.log")
    with open(log, "w") as err:
        browser = subprocess.Popen(
            [binary, "--headless", "--no-remote", "--profile", profile, "--remote-debugging-port=0",
             "--window-size=1400,1500"],
            stdout=subprocess.DEVNULL, stderr=err, start_new_session=True, preexec_fn=die_with_parent)

    def connect():
        def port():
            m = re.search(r"WebDriver BiDi listening on ws://127\.0\.0\.1:(\d+)", open(log).read())
            return m and m.group(1)
        return BidiPage(WebSocket(f"ws://127.0.0.1:{wait_for('the BiDi port', 60, port)}/session", timeout=30))
    return browser, connect


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", required=True)
    ap.add_argument("--browser", choices=["chromium", "firefox"], default="chromium")
    ap.add_argument("--pools", type=int, required=True, help="rows the pools table must reach")
    ap.add_argument("--screenshot", required=True)
    ap.add_argument("--timeout", type=float, default=90)
    ap.add_argument("--token-env", help="environment variable with the API token: the page must ask for it, then get it typed in")
    ap.add_argument("--settle", type=float, default=0, help="extra seconds of chart history before the screenshot")
    args = ap.parse_args()
    binary = shutil.which({"chromium": "chromium", "firefox": "firefox-esr"}[args.browser])
    if binary is None:
        print(json.dumps({"error": f"{args.browser} is not installed (scripts/install-test-deps.sh installs it)"}))
        return 2
    report = {"browser": subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=60).stdout.strip()}
    # The browsers' helpers (zygote, renderers, content processes) can outlive the main process for a
    # moment: as a subreaper this script inherits and reaps them instead of leaving zombies for init.
    LIBC.prctl(36, 1)  # PR_SET_CHILD_SUBREAPER
    profile = tempfile.mkdtemp(prefix=f"spc-{args.browser}-")
    browser, connect = (launch_chromium if args.browser == "chromium" else launch_firefox)(binary, profile)
    try:
        page = connect()
        page.start()
        started = time.monotonic()
        page.navigate(args.url)
        if args.token_env:
            # Without the token the page loads, says it needs one and shows no pools; then it is typed in.
            notice = "(e => e && !e.hidden ? e.textContent : '')(document.getElementById('notice'))"  # null while about:blank
            report["asked_for_token"] = wait_for("the page asking for the token", args.timeout, lambda: page.eval(notice))
            report["pool_rows_without_token"] = page.eval("document.querySelectorAll('#pools tbody tr').length")
            token = json.dumps(os.environ[args.token_env])
            page.eval(f"(document.getElementById('token').value = {token}, "
                      "document.getElementById('token-form').requestSubmit(), 1)")
            report["token_stored"] = page.eval(f"localStorage.getItem('spc_token') === {token}")

        rows = "document.querySelectorAll('#pools tbody tr').length"
        # The token path fills the table by the stream's reconnect (its pools resync), not a reload.
        wait_for("pools table filled", args.timeout, lambda: page.eval(rows) >= args.pools)
        report["pool_rows"] = page.eval(rows)
        report["pools_filled_s"] = round(time.monotonic() - started, 2)
        report["stream_state"] = page.eval("document.getElementById('stream-state').textContent")
        prices = ("Object.fromEntries([...document.querySelectorAll('#pools tbody tr')]"
                  ".map(r => [r.dataset.address, r.querySelector('td.price').dataset.value]))")
        first = page.eval(prices)
        report["priced_rows"] = sum(1 for v in first.values() if v)
        t0 = time.monotonic()
        changed = wait_for("a price to change", args.timeout, lambda: [
            a for a, v in page.eval(prices).items() if v and first.get(a) and v != first[a]])
        report["prices_changed"] = len(changed)
        report["price_change_s"] = round(time.monotonic() - t0, 2)
        opps = "document.querySelectorAll('#opportunities tbody tr').length"
        wait_for("an opportunity row", args.timeout, lambda: page.eval(opps) > 0)
        report["opportunity_rows"] = page.eval(opps)
        report["first_opportunity"] = page.eval("document.querySelector('#opportunities tbody tr').innerText")
        report["opportunity_s"] = round(time.monotonic() - started, 2)
        # A dropped stream comes back by itself (the page's onclose path, whoever closed it), and
        # updates flow again after it: a price changes once more.
        badge = "document.getElementById('stream-state').textContent"
        page.eval("(socket.close(), 1)")
        t0 = time.monotonic()
        report["stream_after_drop"] = wait_for("the stream to notice the drop", 10, lambda: (
            lambda t: t if t != "stream: live" else None)(page.eval(badge)))
        wait_for("the stream back live", args.timeout, lambda: page.eval(badge) == "stream: live")
        report["reconnect_s"] = round(time.monotonic() - t0, 2)
        before = page.eval(prices)
        wait_for("a price change after the reconnect", args.timeout, lambda: [
            a for a, v in page.eval(prices).items() if v and before.get(a) and v != before[a]])
        # Let the health poll draw a few chart points before the picture.
        wait_for("chart points", args.timeout, lambda: page.eval("state.rates.applied.length") >= 3)
        time.sleep(min(args.settle, 600))
        report["health_phase"] = page.eval("document.getElementById('phase').textContent")
        report["connection_rows"] = page.eval("document.querySelectorAll('#connections tbody tr').length")
        report["chart_points"] = page.eval("state.rates.applied.length")
        with open(args.screenshot, "wb") as f:
            f.write(page.screenshot())
        report["page_errors"], report["console_errors"] = page.errors()
        try:
            page.close()
        except RuntimeError:
            pass  # the browser closing its end first is the expected outcome
    except (TimeoutError, RuntimeError, OSError) as e:
        report["error"] = f"{type(e).__name__}: {e}"
    finally:
        try:
            # After page.close() the browser exits by itself; otherwise (or if it lingers) it is told to.
            browser.wait(timeout=0 if "error" in report else 10)
        except subprocess.TimeoutExpired:
            os.killpg(browser.pid, signal.SIGTERM)
            try:
                browser.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(browser.pid, signal.SIGKILL)
                browser.wait(timeout=10)
        report["browser_exit"] = browser.returncode
        try:
            os.killpg(browser.pid, signal.SIGKILL)  # any helper still in its process group
        except ProcessLookupError:
            pass  # none left: the usual case
        report["all_reaped"] = reap_descendants(10)
        shutil.rmtree(profile, ignore_errors=True)
    print(json.dumps(report))
    return 1 if "error" in report else 0


if __name__ == "__main__":
    sys.exit(main())
