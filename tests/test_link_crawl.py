"""Every link a demo user is shown works: a breadth-first crawl of the seeded demo, as each demo login.

`seed_demo` runs once for this module, inside a transaction that is rolled back at the end (other tests never see
the demo data). Then, as each demo user (the eight printed logins and the four extra calibration reviewers), the
Django test client starts at `/` and follows every same-site link it is shown (`href` and `hx-get`), GET only,
breadth-first. It fails on any link that answers 4xx/5xx and on any link whose text carries a Python repr
(`<bound method …>`, `… object at 0x…`, an escaped `&lt;`) or `None` as a value (`=None`, `/None/`).

What it follows and what it leaves out, on purpose:
- `/accounts/logout/` (it would end the session) and links off the site (other hosts, `mailto:`, `#…`).
- `/static/` and `/media/` (files; the browser tests load the static ones).
- `/admin/` links shown on the app's pages are requested and must answer (admins: 200; the others are never shown
  one), but pages inside Django's admin are not crawled further: they are Django's own.
- `?export=` CSV links are requested and must answer; only HTML answers are parsed for more links.
- A redirect counts as a link to its target.
- Pages that differ only in their ids and filter values (`/qa/reviews/17/` and `/qa/reviews/18/`) share a *shape*;
  at most `PER_SHAPE` links of one shape are requested per user, and `MAX_PAGES` requests in all, so the crawl
  stays within about a minute after the seeding.
"""

import io
import re
from collections import deque
from html.parser import HTMLParser
from urllib.parse import parse_qsl, unquote, urldefrag, urljoin, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.http import HttpResponse, HttpResponseNotFound, HttpResponseRedirect

from demo.calibration import EXTRA_REVIEWERS
from demo.org import demo_logins

MAX_PAGES = 200
PER_SHAPE = 6
USERNAMES = [username for username, _ in demo_logins()] + [username for username, *_ in EXTRA_REVIEWERS]
SKIP_PREFIXES = ("/accounts/logout", "/static/", "/media/")
NOT_CRAWLED_PREFIXES = ("/admin/",)  # requested, but their own links are not followed
# What a link must never carry: a Python repr or a missing value rendered into the URL.
BAD_IN_LINK = [
    (re.compile(r"<bound method|<function |<[\w.]+ object|object at 0x[0-9a-f]+", re.I), "a Python repr"),
    (re.compile(r"&lt;|&gt;|[<>]"), "an angle bracket (escaped markup or a repr)"),
    (re.compile(r"(^|[/=])None($|[/&?#])"), "None as a value"),
]

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo_data(django_db_setup, django_db_blocker):
    """The demo organisation, seeded once for this module and rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


class _Links(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag in ("a", "area") and values.get("href"):
            self.links.append(values["href"])
        if values.get("hx-get"):
            self.links.append(values["hx-get"])


def links_in(html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    return parser.links


def problem_in_link(link: str) -> str | None:
    for text in (link, unquote(link)):
        for pattern, what in BAD_IN_LINK:
            if pattern.search(text):
                return what
    return None


def shape(url: str) -> str:
    """The path with ids replaced by N, plus the query's keys: links of one shape exercise one view one way."""
    parts = urlsplit(url)
    path = re.sub(r"/\d+(?=/|$)", "/N", parts.path)
    keys = sorted({key for key, _ in parse_qsl(parts.query, keep_blank_values=True)})
    return f"{path}?{'&'.join(keys)}"


def same_site(base: str, href: str) -> str | None:
    """The local URL (path and query) `href` points to from page `base`, or None if it leaves the site."""
    href = href.strip()
    if not href or href.startswith(("#", "mailto:", "tel:", "javascript:", "data:")):
        return None
    url, _ = urldefrag(urljoin(f"http://testserver{base}", href))
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or parts.netloc != "testserver":
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def crawl(client, username: str) -> tuple[list[str], int]:
    """Breadth-first from `/`: (problems, pages requested). Each problem names user, page, link and status.

    A problem is reported once per kind and link shape, with how many more links of that shape share it. A link
    that carries a repr is reported and then followed without its query, so the crawl still reaches the pages
    behind it.
    """
    problems: dict[tuple[str, str], list] = {}  # (kind, link shape) -> [first message, how many]

    def report(kind: str, link: str, message: str) -> None:
        entry = problems.setdefault((kind, shape(link)), [message, 0])
        entry[1] += 1

    queue: deque[tuple[str, str]] = deque([("(start)", "/")])
    seen: set[str] = {"/"}
    per_shape: dict[str, int] = {}
    requested = 0
    while queue and requested < MAX_PAGES:
        found_on, url = queue.popleft()
        requested += 1
        response = client.get(url)
        status = response.status_code
        if status >= 400:
            report(str(status), url, f"{username}: on {found_on} the link {url} answers {status}")
            continue
        targets: list[str] = []
        if status in (301, 302, 303, 307, 308):
            targets = [response["Location"]]
        elif "text/html" in response.get("Content-Type", "") and not url.startswith(NOT_CRAWLED_PREFIXES):
            targets = links_in(response.content.decode())
        for href in targets:
            what = problem_in_link(href)
            if what:
                report(what, href, f"{username}: on {url} the link {href!r} carries {what}")
                href = href.split("?", 1)[0]
                if problem_in_link(href):
                    continue
            target = same_site(url, href)
            if target is None or target in seen or target.startswith(SKIP_PREFIXES):
                continue
            seen.add(target)
            key = shape(target)
            if per_shape.get(key, 0) >= PER_SHAPE:
                continue
            per_shape[key] = per_shape.get(key, 0) + 1
            queue.append((url, target))
    return [
        message + (f" (and {count - 1} more like it)" if count > 1 else "") for message, count in problems.values()
    ], requested


@pytest.mark.parametrize("username", USERNAMES)
def test_every_link_a_demo_user_is_shown_works(demo_data, client, username):
    client.force_login(get_user_model().objects.get(username=username))
    problems, requested = crawl(client, username)
    assert requested > 1, f"{username}: the landing page links nowhere"
    assert not problems, f"{len(problems)} kind(s) of broken link after {requested} pages:\n" + "\n".join(problems)


def test_the_crawl_reports_broken_links_and_reprs():
    """The checks themselves, against a stub site: a 404, a repr, a `None` are problems; a normal link is not."""
    assert problem_in_link("/dashboards/agents/3/?<bound method Filters.query of <Filters>>") == "a Python repr"
    assert problem_in_link("/x/?f=%3Cobject%20at%200x7f%3E") == "a Python repr"
    assert problem_in_link("/qa/reviews/None/") == "None as a value"
    assert problem_in_link("/qa/?team=None&x=1") == "None as a value"
    assert problem_in_link("/a/?q=&lt;b&gt;") is not None
    assert problem_in_link("/qa/reviews/12/?team=North&start=2026-01-01") is None
    assert problem_in_link("/hiring/candidates/?q=Nonetheless") is None
    assert shape("/qa/reviews/12/?b=2&a=1") == shape("/qa/reviews/13/?a=9&b=3") == "/qa/reviews/N/?a&b"
    assert same_site("/qa/", "reviews/4/#top") == "/qa/reviews/4/"
    assert same_site("/qa/", "https://example.com/") is None

    pages = {
        "/": '<a href="/ok/">ok</a> <a href="/gone/">gone</a> <span hx-get="/go/"></span>'
        '<a href="/accounts/logout/">out</a> <a href="https://example.com/">away</a>',
        "/ok/": '<a href="/a/?x=<bound method X.y of <X>>">bad</a> <a href="/b/None/">none</a> <a href="/">home</a>',
        "/go/": HttpResponseRedirect("/ok/"),
    }

    class Stub:
        def __init__(self):
            self.asked = []

        def get(self, url):
            self.asked.append(url)
            page = pages.get(url)
            if isinstance(page, HttpResponse):
                return page
            return HttpResponse(page) if page is not None else HttpResponseNotFound()

    stub = Stub()
    problems, requested = crawl(stub, "someone")
    # The repr link is still followed without its query (/a/), so the pages behind it are crawled too.
    assert stub.asked == ["/", "/ok/", "/gone/", "/go/", "/a/"] and requested == 5
    assert problems == [
        "someone: on /ok/ the link '/a/?x=<bound method X.y of <X>>' carries a Python repr",
        "someone: on /ok/ the link '/b/None/' carries None as a value",
        "someone: on / the link /gone/ answers 404",
        "someone: on /ok/ the link /a/ answers 404",
    ]
