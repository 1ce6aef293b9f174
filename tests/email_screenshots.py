"""Write the README's email screenshots, rendered in Chromium like the layout tests.

.venv/bin/python tests/email_screenshots.py docs/
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from browser import chromium, open_html  # noqa: E402
from email_samples import SAMPLES, html_of  # noqa: E402

SHOTS = [  # (file, sample, width)
    ("email-desktop.png", "report", 900),
    ("email-phone.png", "report", 390),
    ("email-feeds-phone.png", "feeds", 390),
]


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with chromium() as browser:
        for name, sample, width in SHOTS:
            page = open_html(browser, html_of(SAMPLES[sample]()), width)
            page.screenshot(path=str(out / name), full_page=True)
            page.close()
            print(out / name)


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs"))
