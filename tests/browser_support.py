"""Playwright driving Debian's chromium (the project's rule): never `playwright install`.

`browser()` yields a headless chromium; `screenshot_path(name)` is where a test saves what
it saw, under test-output/screenshots/ so a person can look at it after the run.
`fava_server(...)` runs `fundledger serve` in a subprocess on a free port, as a user would.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = ROOT / "test-output" / "screenshots"

# Elements of `scope` sticking out of the window sideways: on a phone, anything there is
# clipped or behind a sideways scroll (Fava scrolls inside its <article>, so the
# document's own scrollWidth alone would not show it).
OUTSIDE = """(scope) => {
  const width = window.innerWidth, out = [];
  for (const el of document.querySelectorAll(scope)) {
    const r = el.getBoundingClientRect();
    if (r.width > 0 && (r.left < -1 || r.right > width + 1))
      out.push(el.tagName + "." + el.className + ": " + Math.round(r.left) + ".."
               + Math.round(r.right) + " " + (el.textContent || "").trim().slice(0, 40));
  }
  return out;
}"""


@contextlib.contextmanager
def browser() -> Iterator:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed (make system-deps installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        try:
            yield b
        finally:
            b.close()


def screenshot_path(name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS / f"{name}.png"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclasses.dataclass
class Server:
    """A running `fundledger serve`: its Funds page URL and what it printed."""

    process: subprocess.Popen
    funds_url: str
    output: list[str]

    @property
    def base(self) -> str:
        return self.funds_url.split("/extension/")[0]


@contextlib.contextmanager
def fava_server(*args: str, timeout: float = 120) -> Iterator[Server]:
    """Start `fundledger serve --port <free> ARGS...` as a user would; stop it with Ctrl-C.

    Waits for the "Funds page: URL" line, then until the page answers over HTTP."""
    port = free_port()
    env = dict(os.environ, PYTHONPATH=str(ROOT), BEANCOUNT_DISABLE_LOAD_CACHE="1",
               PYTHONUNBUFFERED="1")
    process = subprocess.Popen(
        [sys.executable, "-m", "fundledger", "serve", "--port", str(port), *args],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    output: list[str] = []
    try:
        deadline = time.monotonic() + timeout
        url = None
        while url is None:
            line = process.stdout.readline()
            if not line:
                raise AssertionError("fundledger serve exited:\n" + "".join(output))
            output.append(line)
            if line.startswith("Funds page: "):
                url = line.split(": ", 1)[1].strip()
        while True:
            try:
                with urllib.request.urlopen(url, timeout=10) as response:
                    if response.status == 200:
                        break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise
                time.sleep(0.2)
        yield Server(process, url, output)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                rest, _ = process.communicate(timeout=30)
                output.append(rest or "")
            except subprocess.TimeoutExpired:
                process.kill()
                process.communicate()
