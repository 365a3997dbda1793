"""Checks the built documentation site as a reader meets it.

    python3 tests/docs/check_site.py SITE_DIR CHROMIUM

- every page of the book (each chapter of docs/SUMMARY.md) renders in headless Chromium: the
  page's own heading is in its <main>, and the sidebar that JavaScript fills in lists every
  chapter;
- every internal link of every book page resolves: the file exists in the site and, for an
  anchor, the page it points to has an element with that id (rustdoc pages are checked to
  exist; their own links are rustdoc's);
- the search box finds `ca_bundle` (the site's search runs in the browser, from file://);
- no page is the 404 page, and no Markdown was left unrendered (a literal `{{#include`).

External links (http, https, mailto) are counted, not fetched: this is an offline check.
Exits 1 with one line per problem.
"""

from __future__ import annotations

import html.parser
import pathlib
import re
import subprocess
import sys
import urllib.parse


class Page(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"] or "")
        if tag == "a" and a.get("name"):
            self.ids.add(a["name"] or "")
        for attr in ("href", "src"):
            value = a.get(attr)
            if value and not (tag == "link" and attr == "href" and "stylesheet" not in (a.get("rel") or "")):
                self.links.append(value)


def parse(path: pathlib.Path) -> Page:
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def chapters(docs: pathlib.Path) -> list[str]:
    """The chapters of SUMMARY.md, as the site's .html paths."""
    summary = (docs / "SUMMARY.md").read_text(encoding="utf-8")
    return [re.sub(r"\.md$", ".html", m) for m in re.findall(r"\]\(([^)]+\.md)\)", summary)]


def dump_dom(chromium: str, url: str) -> str:
    out = subprocess.run(
        [chromium, "--no-sandbox", "--disable-gpu", "--virtual-time-budget=5000", "--dump-dom", url],
        capture_output=True, text=True, timeout=60, check=False,
    )
    if out.returncode != 0:
        raise RuntimeError(f"{chromium} exited {out.returncode} for {url}: {out.stderr[-500:]}")
    return out.stdout


def main() -> int:
    site = pathlib.Path(sys.argv[1]).resolve()
    chromium = sys.argv[2]
    docs = pathlib.Path(__file__).resolve().parents[2] / "docs"
    problems: list[str] = []
    pages = chapters(docs)
    external = 0
    checked = 0
    parsed: dict[pathlib.Path, Page] = {}

    def page_of(path: pathlib.Path) -> Page:
        if path not in parsed:
            parsed[path] = parse(path)
        return parsed[path]

    # 404.html is for a web server (its links start at the site root); print.html repeats every page.
    book_pages = sorted(p for p in site.glob("*.html") if p.name not in ("404.html", "print.html", "toc.html"))
    for path in book_pages:
        text = path.read_text(encoding="utf-8")
        if "{{#" in text:
            problems.append(f"{path.name}: an mdBook directive was not expanded")
        for link in page_of(path).links:
            parts = urllib.parse.urlsplit(link)
            if parts.scheme in ("http", "https", "mailto", "data", "javascript"):
                external += 1
                continue
            if not parts.path and not parts.fragment:
                continue
            target = (path.parent / urllib.parse.unquote(parts.path)).resolve() if parts.path else path
            checked += 1
            if site not in target.parents and target != site:
                problems.append(f"{path.name}: {link} leaves the site")
                continue
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                problems.append(f"{path.name}: {link}: no such file in the site")
                continue
            if parts.fragment and target.suffix == ".html" and (site / "api") not in target.parents:
                if urllib.parse.unquote(parts.fragment) not in page_of(target).ids:
                    problems.append(f"{path.name}: {link}: {target.name} has no anchor #{parts.fragment}")

    for name in pages:
        if not (site / name).exists():
            problems.append(f"SUMMARY.md names {name}, which was not built")
            continue
        dom = dump_dom(chromium, (site / name).as_uri())
        main_part = dom.split("<main", 1)[1].split("</main>", 1)[0] if "<main" in dom else ""
        if not re.search(r"<h1[^>]*>", main_part):
            problems.append(f"{name}: no heading in <main> after rendering")
        if "<title>Page not found" in dom:
            problems.append(f"{name}: rendered as the 404 page")
        for other in pages:
            if f'href="{other}"' not in dom:
                problems.append(f"{name}: the rendered sidebar has no link to {other}")
                break

    dom = dump_dom(chromium, (site / "index.html").as_uri() + "?search=ca_bundle")
    results = dom.split('id="mdbook-searchresults"', 1)[1].split("</ul>", 1)[0] if 'id="mdbook-searchresults"' in dom else ""
    hits = re.findall(r'<a href="([^"?#]+)', results)
    if not hits:
        problems.append("searching for ca_bundle found nothing")

    for p in problems:
        print(f"FAIL  {p}")
    print(
        f"{len(pages)} chapters rendered in Chromium; {checked} internal links and anchors in "
        f"{len(book_pages)} pages checked ({external} external links not fetched); "
        f"search for ca_bundle: {len(hits)} results ({', '.join(sorted(set(hits)))})"
    )
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
