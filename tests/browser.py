"""A real browser for the HTML tests: headless chromium, when the machine has it."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

CHROMIUM = next(
    (
        found
        for name in ("chromium", "chromium-browser", "google-chrome")
        if (found := shutil.which(name))
    ),
    None,
)


def render(page: Path, tmp_path: Path) -> str:
    """Draw ``page`` in headless chromium (a screenshot must come out) and return its DOM."""
    assert CHROMIUM is not None
    browser = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--window-size=1200,2000"]
    shot = tmp_path / f"{page.stem}.png"
    subprocess.run(
        [*browser, f"--screenshot={shot}", page.as_uri()],
        capture_output=True,
        timeout=120,
        check=True,
    )
    assert shot.stat().st_size > 0
    return subprocess.run(
        [*browser, "--dump-dom", page.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
