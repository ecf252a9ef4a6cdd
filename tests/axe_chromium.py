"""Run axe-core (tests/js/node_modules, from npm) in Debian's headless Chromium on a local HTML file.

Chromium is driven over the DevTools protocol on a pipe (--remote-debugging-pipe: commands on fd 3, replies
on fd 4, each a JSON message ended by NUL), so no port is opened and no extra Python package is needed.
Every host name resolves to nothing: the page cannot reach the network.
"""

from __future__ import annotations

import json
import os
import select
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

AXE_JS = Path(__file__).resolve().parent / "js" / "node_modules" / "axe-core" / "axe.min.js"
#: A guard against a hung browser, not a timing assertion.
HANG_GUARD_SECONDS = 180


class Chromium:
    def __init__(self, exe: str):
        self.profile = tempfile.mkdtemp(prefix="carequality-axe-")
        cmd_r, self._cmd_w = os.pipe()
        self._out_r, out_w = os.pipe()

        def wire_fds():  # in the child: our command pipe becomes fd 3, its reply pipe fd 4
            os.dup2(cmd_r, 3)
            os.dup2(out_w, 4)

        self.proc = subprocess.Popen(
            [exe, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--host-resolver-rules=MAP * ~NOTFOUND", "--window-size=1280,1024",
             "--remote-debugging-pipe", f"--user-data-dir={self.profile}", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            preexec_fn=wire_fds, pass_fds=(3, 4), env={**os.environ, "HOME": self.profile},
        )
        os.close(cmd_r)
        os.close(out_w)
        self._buf = b""
        self._next_id = 0
        self.events: list[dict] = []

    def send(self, method: str, params: dict | None = None, session: str | None = None) -> dict:
        self._next_id += 1
        msg = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self._cmd_w, json.dumps(msg).encode() + b"\0")
        while True:
            reply = self._read()
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def wait_event(self, method: str, session: str) -> dict:
        while True:
            for i, e in enumerate(self.events):
                if e.get("method") == method and e.get("sessionId") == session:
                    return self.events.pop(i)
            self.events.append(self._read())

    def _read(self) -> dict:
        deadline = time.monotonic() + HANG_GUARD_SECONDS
        while b"\0" not in self._buf:
            left = deadline - time.monotonic()
            ready, _, _ = select.select([self._out_r], [], [], max(left, 0))
            if not ready:
                raise RuntimeError("Chromium stopped answering on the DevTools pipe")
            chunk = os.read(self._out_r, 1 << 20)
            if not chunk:
                raise RuntimeError("Chromium closed the DevTools pipe")
            self._buf += chunk
        raw, self._buf = self._buf.split(b"\0", 1)
        return json.loads(raw)

    def close(self) -> None:
        try:
            self.send("Browser.close")
        except (RuntimeError, OSError):
            pass
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        for fd in (self._cmd_w, self._out_r):
            try:
                os.close(fd)
            except OSError:
                pass
        shutil.rmtree(self.profile, ignore_errors=True)


def run_axe(exe: str, html: Path, axe_js: Path = AXE_JS) -> dict:
    """axe.run on the page with every rule axe enables by default (WCAG 2.0–2.2 A/AA and best practice).

    Returns {"violations": [...], "passes": n, "incomplete": [...], "url": ...}."""
    browser = Chromium(exe)
    try:
        target = browser.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = browser.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        browser.send("Page.enable", session=session)
        browser.send("Page.navigate", {"url": Path(html).resolve().as_uri()}, session=session)
        browser.wait_event("Page.loadEventFired", session)
        browser.send("Runtime.evaluate", {"expression": axe_js.read_text(encoding="utf-8")}, session=session)
        script = (
            "axe.run(document).then(r => JSON.stringify({url: r.url, passes: r.passes.length,"
            " violations: r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
            " nodes: v.nodes.map(n => n.html.slice(0, 200))})),"
            " incomplete: r.incomplete.map(v => v.id)}))"
        )
        result = browser.send(
            "Runtime.evaluate", {"expression": script, "awaitPromise": True, "returnByValue": True}, session=session
        )
        if "exceptionDetails" in result:
            raise RuntimeError(f"axe.run failed: {result['exceptionDetails']}")
        return json.loads(result["result"]["value"])
    finally:
        browser.close()
