"""Reading pages as a browser would: their links and forms, and crawling a site through them."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from flask.testing import FlaskClient

SKIPPED = ("/static/", "/logout")
SKIPPED_ENDINGS = (".pdf",)  # the PDF report is the HTML report, printed; checked as HTML


@dataclass
class Form:
    """A form as found on a page: where it goes and the fields a browser would send."""

    page: str
    action: str
    method: str
    fields: dict[str, str] = field(default_factory=dict)  # what pressing Enter sends
    files: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)  # every named control, sent or not

    def filled(self) -> dict[str, str]:
        """The fields with something typed into every empty box, so that required ones pass."""
        return {name: value or "x" for name, value in self.fields.items()}

    def control(self, name: str) -> None:
        if name not in self.names:
            self.names.append(name)


@dataclass
class Fetched:
    url: str
    status: int
    mimetype: str
    body: str
    headers: dict[str, str]


class _Reader(HTMLParser):
    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page = page
        self.links: list[str] = []
        self.forms: list[Form] = []
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if tag == "a" and "href" in attributes:
            self.links.append(attributes["href"])
        elif tag == "form":
            action = attributes.get("action") or self.page
            method = attributes.get("method", "get").upper()
            self.forms.append(Form(self.page, urljoin(self.page, action), method))
        elif self.forms and tag in ("input", "button") and attributes.get("name"):
            self._control(self.forms[-1], tag, attributes)
        elif self.forms and tag == "select" and attributes.get("name"):
            self._select = attributes["name"]
            self.forms[-1].control(self._select)
        elif self.forms and tag == "option" and self._select:
            fields = self.forms[-1].fields
            if self._select not in fields or "selected" in attributes:
                fields[self._select] = attributes.get("value", "")
        elif self.forms and tag == "textarea" and attributes.get("name"):
            self._textarea = attributes["name"]
            self.forms[-1].control(self._textarea)
            self.forms[-1].fields[self._textarea] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea and self.forms:
            self.forms[-1].fields[self._textarea] += data

    @staticmethod
    def _control(form: Form, tag: str, attributes: dict[str, str]) -> None:
        """As a browser fills the form: checked boxes only, the first submit button."""
        name = attributes["name"]
        kind = attributes.get("type", "submit" if tag == "button" else "text").lower()
        form.control(name)
        if kind == "file":
            form.files.append(name)
        elif kind in ("checkbox", "radio"):
            if "checked" in attributes:
                form.fields[name] = attributes.get("value", "on")
        elif kind not in ("button", "reset"):
            form.fields.setdefault(name, attributes.get("value", ""))


def read_page(url: str, html: str) -> tuple[list[str], list[Form]]:
    """The site-relative links (without fragments) and the forms of a page."""
    reader = _Reader(url)
    reader.feed(html)
    links = []
    for href in reader.links:
        target = urlsplit(urljoin(url, href))
        if target.scheme in ("", "http") and target.netloc in ("", "localhost"):
            links.append(target.path + (f"?{target.query}" if target.query else ""))
    return links, reader.forms


def fetch(client: FlaskClient, url: str, **kwargs) -> Fetched:
    response = client.get(url, **kwargs)
    return Fetched(
        url,
        response.status_code,
        response.mimetype or "",
        response.get_data(as_text=True),
        dict(response.headers),
    )


def crawl(
    client: FlaskClient,
    seeds: Iterable[str],
    limit: int = 800,
    follow: Callable[[str], bool] = lambda url: True,
) -> tuple[list[Fetched], list[Form]]:
    """Every page reachable from ``seeds`` through links, fetched once, and their forms.

    Raises
    ------
    ValueError
        When more than ``limit`` pages are reachable (a link loop the test should know about).
    """
    queue = list(dict.fromkeys(seeds))
    seen = set(queue)
    fetched: list[Fetched] = []
    forms: list[Form] = []
    while queue:
        if len(fetched) >= limit:
            raise ValueError(f"More than {limit} pages are reachable from {list(seeds)}.")
        page = fetch(client, queue.pop(0))
        fetched.append(page)
        if page.mimetype != "text/html":
            continue
        links, found = read_page(page.url, page.body)
        forms += found
        for link in links:
            if (
                link not in seen
                and not link.startswith(SKIPPED)
                and not urlsplit(link).path.endswith(SKIPPED_ENDINGS)
                and follow(link)
            ):
                seen.add(link)
                queue.append(link)
    return fetched, forms


def form_on(client: FlaskClient, url: str, action_ends: str | None = None) -> Form:
    """The first form on the page at ``url`` that posts to ``...action_ends`` (or to the page).

    Raises
    ------
    LookupError
        When there is no such form.
    """
    _links, forms = read_page(url, client.get(url).get_data(as_text=True))
    wanted = action_ends if action_ends is not None else urlsplit(url).path
    for form in forms:
        if urlsplit(form.action).path.endswith(wanted):
            return form
    raise LookupError(f"No form posting to ...{wanted} on {url}.")


def submit(client: FlaskClient, form: Form, **values: str):
    """Send ``form`` as a browser would, with some fields changed (file fields: bytes)."""
    data: dict = {**form.fields, **values}
    path = urlsplit(form.action)
    target = path.path + (f"?{path.query}" if path.query else "")
    if form.method == "GET":
        return client.get(target, query_string=data)
    return client.post(target, data=data)
