"""The web site's weight and speed, in Debian's Chromium against the local stack (`make bench`; not a test).

1. Bytes a first visit transfers, per page, as CloudFront would send them (gzip; the local server sends files
   uncompressed, so each response is compressed here the way CloudFront compresses text): the sign-in page, Today
   and the charts page. The issue's budget: at most 300 KB compressed for sign-in and Today.
2. Today for a unit of 200 people: the time from the API's answer arriving to the page having drawn it (the
   page's `chamcong:rendered:today` performance mark minus the answer's responseEnd), median of several loads.

python -m bench.web [--people 200] [--loads 5]
"""

from __future__ import annotations

import argparse
import gzip
import statistics
import sys
import tempfile
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import requests

from bench.tables import print_table
from infra.local_stack import DEFAULT_MODELS_DIR, free_port, running_stack

BUDGET_KB = 300
ADMIN_PASSWORD = "bench-web-admin-password"  # noqa: S105 - a throwaway local account
PASSWORD = "Một câu dài dễ nhớ cho phép đo"  # noqa: S105
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
COMPRESSED_TYPES = ("text/", "application/javascript", "application/json", "image/svg+xml")


def seed(url: str, people: int) -> tuple[str, str]:
    """A unit of `people` and an oversight account over it; returns (unit_id, username)."""
    session = requests.Session()
    token = session.post(f"{url}/v1/auth/login", json={"username": "admin", "password": ADMIN_PASSWORD},
                         timeout=60).json()["token"]
    session.headers["Authorization"] = f"Bearer {token}"
    unit = session.post(f"{url}/v1/units", json={"name": "Văn phòng UBND (đo)"}, timeout=60).json()
    for number in range(people):
        reply = session.post(f"{url}/v1/staff", timeout=60,
                             json={"full_name": f"Nguyễn Văn Thử {number + 1:03d}", "unit_id": unit["unit_id"]})
        reply.raise_for_status()
    created = session.post(f"{url}/v1/accounts", timeout=60, json={
        "username": "do-luong", "unit_id": unit["unit_id"], "grants": [{"role": "oversight",
                                                                           "unit_id": unit["unit_id"]}]}).json()
    first = requests.post(f"{url}/v1/auth/login", timeout=60,
                          json={"username": "do-luong", "password": created["temporary_password"]}).json()
    requests.post(f"{url}/v1/auth/password", headers={"Authorization": f"Bearer {first['token']}"}, timeout=60,
                  json={"current_password": created["temporary_password"], "new_password": PASSWORD})
    return str(unit["unit_id"]), "do-luong"


class Transfers:
    """Every response a tab received, with its size as sent and as CloudFront would compress it."""

    def __init__(self) -> None:
        self.rows: list[tuple[str, int, int]] = []

    def record(self, response: object) -> None:
        try:
            body = response.body()  # type: ignore[attr-defined]
        except Exception:
            return
        kind = str(response.headers.get("content-type", ""))  # type: ignore[attr-defined]
        compressed = len(gzip.compress(body, 6)) if kind.startswith(COMPRESSED_TYPES) else len(body)
        self.rows.append((str(response.url), len(body), compressed))  # type: ignore[attr-defined]

    def total(self) -> tuple[int, int]:
        return sum(row[1] for row in self.rows), sum(row[2] for row in self.rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.web", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--loads", type=int, default=5)
    args = parser.parse_args(argv)
    if not 1 <= args.people <= 2000 or not 1 <= args.loads <= 50:
        parser.error("--people must be 1..2000 and --loads 1..50")
    from playwright.sync_api import sync_playwright

    day = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date().isoformat()
    with tempfile.TemporaryDirectory() as out, \
            running_stack(free_port(), DEFAULT_MODELS_DIR, Path(out), ADMIN_PASSWORD, access_log=False) as stack, \
            sync_playwright() as playwright:
        unit_id, username = seed(stack.api_url, args.people)
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        weights = []

        def visit(label: str, path: str, signed_in: bool) -> None:
            """A first visit with an empty cache: for a signed-in page, everything from the sign-in page on."""
            context = browser.new_context(base_url=stack.api_url)
            tab = context.new_page()
            transfers = Transfers()
            tab.on("response", transfers.record)
            if signed_in:
                sign_in(tab, username)
            tab.goto(path, wait_until="networkidle")
            tab.wait_for_load_state("networkidle")
            sent, compressed = transfers.total()
            weights.append((label, len(transfers.rows), f"{sent / 1024:.0f}", f"{compressed / 1024:.0f}",
                            "yes" if compressed / 1024 <= BUDGET_KB else "NO"))
            context.close()

        visit("sign-in", "/", signed_in=False)
        visit("sign-in, then Today (all units)", f"/#/today?date={day}", signed_in=True)
        visit(f"sign-in, then Today (a unit of {args.people})", f"/#/today?date={day}&unit_id={unit_id}",
              signed_in=True)
        visit("sign-in, then charts", f"/#/charts?month={day[:7]}", signed_in=True)
        print_table("First visit with an empty cache: what the browser transfers (KB; text gzipped as CloudFront "
                    "sends it)",
                    ["page", "responses", "KB as served", "KB compressed", f"≤ {BUDGET_KB} KB"], weights)

        timings = []
        context = browser.new_context(base_url=stack.api_url)
        tab = context.new_page()
        sign_in(tab, username)
        for _ in range(args.loads):
            tab.goto("/#/help")
            tab.goto(f"/#/today?date={day}&unit_id={unit_id}")
            # a hash change is no new document: wait for the unit's groups, not for the network to go quiet
            tab.locator("section.today-group").first.wait_for(timeout=60_000)
            tab.wait_for_timeout(100)
            timings.append(tab.evaluate("""() => {
                const marks = performance.getEntriesByName('chamcong:rendered:today');
                const answers = performance.getEntriesByType('resource')
                    .filter(r => r.name.includes('/v1/attendance/days'));
                if (!marks.length || !answers.length) return null;
                return marks[marks.length - 1].startTime - answers[answers.length - 1].responseEnd;
            }"""))
            tab.evaluate("performance.clearMarks(); performance.clearResourceTimings()")
        context.close()
        browser.close()
    measured = [t for t in timings if t is not None]
    if not measured:
        print("Today never marked a render after the unit's answer: is the page drawing from /v1/attendance/days?")
        return 1
    print_table(f"Today for a unit of {args.people}: from the API's answer to the page drawn "
                f"(ms, {len(measured)} loads)", ["median", "max", "goal"],
                [[f"{statistics.median(measured):.0f}", f"{max(measured):.0f}", "≤ 1000"]])
    return 0


def sign_in(tab: object, username: str) -> None:
    tab.goto("/")  # type: ignore[attr-defined]
    tab.get_by_label("Tên đăng nhập").fill(username)  # type: ignore[attr-defined]
    tab.get_by_label("Mật khẩu", exact=True).fill(PASSWORD)  # type: ignore[attr-defined]
    tab.get_by_role("button", name="Đăng nhập").click()  # type: ignore[attr-defined]
    tab.wait_for_url(lambda url: "#/sign-in" not in url)  # type: ignore[attr-defined]


if __name__ == "__main__":
    sys.exit(main())
