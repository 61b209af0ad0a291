"""Lighthouse's accessibility and best-practices scores are 100 on the pages
people use most: the home page, the partnership home, the rating form and the
program overview, each opened by the person it is for, in the demo's data.

Lighthouse runs under Node (tests/lighthouse/package.json, installed by `make
install` with `npm ci`) against Debian's Chromium (CHROMIUM, or `chromium` on
the PATH) and this test's live server. `make lighthouse` runs it at phone and
laptop sizes and prints every page's scores; the scores and what failed are
also written to test-results/lighthouse.json."""

import io
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client

from accounts.models import User
from partnerships.models import Partnership
from programs.models import Program

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HERE = Path(__file__).parent
RESULTS = HERE.parents[1] / "test-results" / "lighthouse.json"
# "mobile" (Lighthouse's phone, 412 px wide) and/or "desktop".
FORM_FACTORS = os.environ.get("LIGHTHOUSE_FORM_FACTORS", "mobile").split()
# Each page as each person it is for (`make lighthouse`), rather than each page once
# (about ten seconds a page).
EVERY_PERSON = os.environ.get("LIGHTHOUSE_EVERY_PERSON") == "1"


def _tools() -> tuple[str, str]:
    node = shutil.which("node")
    chromium = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not node or not (HERE / "node_modules" / "lighthouse").is_dir():
        pytest.fail("Lighthouse is not installed: install Node.js 18.20+ and npm, then `make install`.")
    if not chromium:
        pytest.fail("Chromium is needed: `apt-get install chromium`, or set CHROMIUM=/path.")
    return node, chromium


def _session_cookie(email: str) -> dict[str, str]:
    """A signed-in session of ``email`` (stamped as at any sign-in), as a cookie."""
    client = Client()
    client.force_login(User.objects.get(email=email))
    return {"name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value}


def _pages(base: str) -> list[dict]:
    pair = Partnership.objects.get(
        mentor__user__email="mentor@example.com", protege__user__email="protege@example.com"
    )
    admin = User.objects.get(email="admin@example.com")
    program = Program.objects.run_by(admin).get()
    protege, mentor = _session_cookie("protege@example.com"), _session_cookie("mentor@example.com")
    admin_cookie = _session_cookie(admin.email)
    pages = [
        ("home (protégé)", "/", protege),
        ("home (mentor)", "/", mentor),
        ("partnership home (protégé)", f"/partnerships/{pair.pk}/", protege),
        ("partnership home (mentor)", f"/partnerships/{pair.pk}/", mentor),
        ("rating form", f"/partnerships/{pair.pk}/ratings/new/", protege),
        ("program overview", f"/programs/{program.slug}/", admin_cookie),
    ]
    if not EVERY_PERSON:  # each page once
        pages = [page for page in pages if page[0] not in ("home (mentor)", "partnership home (protégé)")]
    return [{"name": name, "url": f"{base}{path}", "cookie": cookie} for name, path, cookie in pages]


def test_the_main_pages_score_100_for_accessibility_and_best_practices(live_server, tmp_path):
    node, chromium = _tools()
    call_command("seed_demo", stdout=io.StringIO())
    pages = _pages(live_server.url)
    spec = tmp_path / "pages.json"
    spec.write_text(json.dumps({"chrome": chromium, "formFactors": FORM_FACTORS, "pages": pages}))

    run = subprocess.run(
        [node, str(HERE / "audit.mjs"), str(spec)], cwd=HERE, capture_output=True, text=True, timeout=600
    )
    assert run.returncode == 0, run.stderr
    results = json.loads(run.stdout)["results"]
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False))

    below = {}
    for result in results:
        scores = result["scores"]
        print(
            f"{result['formFactor']:8} {result['name']:28} accessibility {scores['accessibility']:3}"
            f"  best practices {scores['best-practices']:3}  {result['finalUrl']}"
        )
        for failing in result["failing"]:
            print(f"{'':9}fails {failing['id']}: {failing['title']} {failing['items']}")
        signed_out = "/accounts/login/" in result["finalUrl"]
        if result.get("runtimeError") or signed_out or min(scores.values()) < 100:
            below[f"{result['formFactor']} {result['name']}"] = (
                result.get("runtimeError") or ("signed out" if signed_out else None) or result["failing"]
            )
    assert below == {}
