"""Open a report in a real headless Chromium (Debian's /usr/bin/chromium driven by Playwright).

`playwright install` is never run (it downloads a browser and fails offline); without
/usr/bin/chromium the calling test is skipped with the reason. `.ci/run` installs it.
"""

from __future__ import annotations

import shutil
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@dataclass
class PageView:
    """What a page did in the browser: console errors, requests, title and probed values."""

    title: str = ""
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)

    @property
    def offline(self) -> bool:
        """Whether every request stayed on the page itself (file:, data:, about:)."""
        return all(url.startswith(("file:", "data:", "about:")) for url in self.requests)


def open_in_chromium(path: Path, ready_js: str, probes: Mapping[str, str]) -> PageView:
    """Load ``path``, wait until ``ready_js`` is true (20 s at most), evaluate each probe."""
    if not CHROMIUM.exists() or shutil.which(str(CHROMIUM)) is None:
        pytest.skip(
            "Debian chromium is not installed at /usr/bin/chromium "
            "(apt-get install -y chromium; .ci/run installs it)"
        )
    playwright = pytest.importorskip("playwright.sync_api")
    view = PageView()
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.on("console", lambda m: view.errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: view.errors.append(str(e)))
            page.on("request", lambda r: view.requests.append(r.url))
            page.goto(path.as_uri())
            page.wait_for_function(ready_js, timeout=20_000)
            view.values = {name: page.evaluate(js) for name, js in probes.items()}
            view.title = page.title()
        finally:
            browser.close()
    return view
