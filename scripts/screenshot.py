"""Screenshot pages of a running Referable server, logged in, at laptop and phone widths.

    .venv/bin/python scripts/screenshot.py /people/ /people/12/ --out var/shots

Used to look at a page before calling it done (see README, "Working on the code")."""

import argparse
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--email", default="priya@harborpine.example")
    parser.add_argument("--password", default="referable-demo")
    parser.add_argument("--out", default="var/shots")
    parser.add_argument("--widths", default="1366,390")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        for width in (int(w) for w in args.widths.split(",")):
            page = browser.new_page(viewport={"width": width, "height": 900})
            page.goto(f"{args.base}/login/")
            page.fill("#id_username", args.email)
            page.fill("#id_password", args.password)
            page.click("button[type=submit]")
            for path in args.paths:
                page.goto(args.base + path)
                name = path.strip("/").replace("/", "_").replace("?", "_") or "home"
                target = out / f"{name}-{width}.png"
                page.screenshot(path=str(target), full_page=True)
                print(target)
            page.close()
        browser.close()


if __name__ == "__main__":
    main()
