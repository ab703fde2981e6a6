"""Request-scoped context: the acting user and client address for the audit trail."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse

from . import audit


def client_ip(request: HttpRequest) -> str | None:
    """Return the client address. Behind a proxy, set ``JISHENG_TRUSTED_PROXY`` and X-Forwarded-For is used."""
    from django.conf import settings

    if getattr(settings, "JISHENG_TRUSTED_PROXY", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return str(forwarded).split(",")[0].strip()
    remote = request.META.get("REMOTE_ADDR")
    return str(remote) if remote else None


#: Largest request body the API reads (contract §2 facts are under 2 KB, a work order a few KB).
API_MAX_BODY_BYTES = 64 * 1024
#: Methods whose body the API reads.
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class LimitApiBodyMiddleware:
    """Answer 413 to an API request (``/api/``) whose body is larger than :data:`API_MAX_BODY_BYTES`, counted on the
    bytes actually read: a chunked body declares no length and a Content-Length can be understated, so the body is
    read here — at most one byte past the limit — and kept for the view (``request.body``), which never reads more.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/api/") and request.method in _BODY_METHODS:
            import io

            from django.http import JsonResponse

            too_big = JsonResponse({"detail": f"body: larger than {API_MAX_BODY_BYTES} bytes"}, status=413)
            try:
                declared = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                declared = 0
            if declared > API_MAX_BODY_BYTES:  # refused before reading anything
                return too_big
            data = request.read(API_MAX_BODY_BYTES + 1)
            if len(data) > API_MAX_BODY_BYTES:
                return too_big
            request._body = data  # what request.body and the form parsers read from now on
            request._stream = io.BytesIO(data)
        return self.get_response(request)


class RejectNulMiddleware:
    """Answer 400 to a request whose path, query or form fields contain a NUL character.

    PostgreSQL refuses NUL in text, so such input would otherwise end in a 500 deep inside a query.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.http import HttpResponseBadRequest

        def has_nul(data: object) -> bool:
            lists = data.lists() if hasattr(data, "lists") else []
            return any("\x00" in k or any("\x00" in str(v) for v in vs) for k, vs in lists)

        form_post = request.method == "POST" and request.content_type == "application/x-www-form-urlencoded"
        if form_post:
            request.body  # noqa: B018 - cache the body first, so a JSON/API view can still read it
        if "\x00" in request.path or has_nul(request.GET) or (form_post and has_nul(request.POST)):
            return HttpResponseBadRequest("请求中含有不允许的空字符（NUL）。".encode())
        return self.get_response(request)


class ChineseFirstMiddleware:
    """Serve Simplified Chinese unless the user chose another language with the switch.

    Django's LocaleMiddleware would otherwise follow the browser's Accept-Language; the platform is
    Chinese first, so only the language cookie (set by the switch) changes the language. The header is dropped
    always — also beside a cookie naming no language of the site, which then gives Simplified Chinese — so that
    a cached public page varies on the cookie alone (:class:`PublicCacheMiddleware`).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)


class RequestContextMiddleware:
    """Set :mod:`jisheng.core.audit` context for the duration of each request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        with audit.context(actor=user, ip=client_ip(request)):
            return self.get_response(request)


class NoStoreMiddleware:
    """Mark every answer of a staff route ``Cache-Control: no-store`` (with Django's never-cache headers).

    Staff pages show personal data — person pages, the unmask answer, exports, PDFs, the API — and no browser or
    proxy may keep them. A route declared public with ``route_scope(public=True)`` (the portal, the sign-in page) is
    left alone; an answer that no route produced (a 404 of an unknown path) is marked when someone is signed in.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.utils.cache import add_never_cache_headers

        response = self.get_response(request)
        public = getattr(request, "_jisheng_public_route", None)
        signed_in = getattr(getattr(request, "user", None), "is_authenticated", False)
        if public is False or (public is None and signed_in):
            add_never_cache_headers(response)  # max-age=0, no-cache, no-store, must-revalidate, private
        return response

    def process_view(self, request: HttpRequest, view_func: Callable[..., object], view_args: object,
                     view_kwargs: object) -> None:
        from .access import scopes_of

        scopes = scopes_of(view_func)
        scope = scopes.get(request.method or "GET") or scopes.get("*")
        request._jisheng_public_route = bool(scope is not None and scope.public)  # type: ignore[attr-defined]


#: Seconds a browser or a reverse proxy may serve a public page without asking again: short, so that a changed
#: leaflet or a new day's self-check date reaches everyone within minutes.
PUBLIC_MAX_AGE = 300
#: What a public route answers that a shared cache may keep: pages, the sitemap and feeds (not the JSON API).
_CACHEABLE_TYPES = frozenset({"text/html", "application/xml", "text/xml", "application/atom+xml",
                              "application/rss+xml"})


class PublicCacheMiddleware:
    """Make the public pages cacheable by a reverse proxy (docs/adr/0051), and keep the pages views declare shared
    in process, so that a repeated anonymous GET costs no rendering (the 2026-12-01 amendment of 0051).

    A GET or HEAD of a route declared ``route_scope(public=True)`` answered 200 with HTML or XML (a page, the
    sitemap, a feed) gets ``Cache-Control: public, max-age=`` :data:`PUBLIC_MAX_AGE`, an ``ETag`` (a hash of the
    body; a matching ``If-None-Match`` is answered 304 with no body) and ``Vary: Cookie`` only: the language cookie
    is the one input that changes a public page (``Accept-Language`` is ignored, :class:`ChineseFirstMiddleware`).

    Not shared: an answer that sets a cookie (the sign-in page's CSRF cookie, a stale session's deletion) or is given
    to a signed-in user is ``Cache-Control: private, no-cache``. Left as they are: an answer whose view set its own
    Cache-Control (the self-check's answers, the language switch), any other status, method or content type, and
    every staff route (:class:`NoStoreMiddleware` marks those no-store).

    The in-process store: an answer made shared above whose view is decorated with :meth:`shared` is kept by this
    middleware instance (one per process under gunicorn) for :attr:`STORE_SECONDS`, at most :attr:`STORE_ENTRIES`
    answers of at most :attr:`STORE_BYTES` each and :attr:`STORE_TOTAL_BYTES` in all (the least recently used goes
    first). It is keyed by the scheme,
    ``Host``, path, query string, the language cookie's value and today's date (:func:`jisheng.core.clock.today`),
    and also checked against the tokens of the view's declared dependencies (law data, the area tree), re-read on
    every use. Only a GET whose cookies are none or the language cookie alone, and which is not an htmx request, is
    looked up or kept: a visitor with a session, CSRF or message cookie always reaches the view. A kept answer is
    served with the same headers, an ``Age`` and a 304 to its ETag, without calling the view or the middleware
    below this one (sessions, CSRF, locale, authentication).

    Placed before the session, CSRF and locale middleware, so that it sees the cookies and ``Vary`` they add.
    """

    #: Seconds a kept answer is served from the store (within :data:`PUBLIC_MAX_AGE`; ``Age`` says how old it is).
    STORE_SECONDS = 60
    #: The most answers kept per process, the largest body kept and the most bytes of bodies kept in all.
    STORE_ENTRIES = 256
    STORE_BYTES = 256 * 1024
    STORE_TOTAL_BYTES = 8 * 1024 * 1024

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        import threading
        from collections import OrderedDict

        self.get_response = get_response
        # key -> (expires at [monotonic s], stored at [monotonic s], status, headers, body, dependency tokens)
        self._store: OrderedDict[tuple[Any, ...], tuple[float, float, int, list[tuple[str, str]], bytes,
                                                        tuple[tuple[Callable[[], Any], Any], ...]]] = OrderedDict()
        self._lock = threading.Lock()
        self._bytes = 0  # the bodies kept, in all

    @staticmethod
    def shared(*depends: Callable[[], object]) -> Callable[[Callable[..., HttpResponse]],
                                                           Callable[..., HttpResponse]]:
        """Declare a public view's answer the same for every anonymous visitor of the same address, language and
        day, so that :class:`PublicCacheMiddleware` may keep it in process (it keeps it only when the answer is
        made shared: 200, a page, no cookie set, no Cache-Control of the view's own, nobody signed in).

        ``depends``: functions returning a token (any value comparable with ``!=``) of the data the page reads
        besides the code, the language and the date — e.g. the law data, a fingerprint of the area tree. Each is
        called before the view runs, and only for a request whose answer may be kept; a kept answer is served only
        while every token is unchanged. Decorate under ``route_scope`` (so the route keeps its declared scope).
        """
        def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
            @functools.wraps(view)
            def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
                if not getattr(request, "_jisheng_may_keep", False):  # a POST, a visitor with a session …
                    return view(request, *args, **kwargs)
                tokens = tuple((fn, fn()) for fn in depends)
                response = view(request, *args, **kwargs)
                response._jisheng_shared = tokens  # type: ignore[attr-defined]
                return response

            return wrapped

        return decorate

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.utils.cache import get_conditional_response, patch_cache_control, set_response_etag

        key = self._key(request)
        if key is not None:
            kept = self._served(request, key)
            if kept is not None:
                return kept
            request._jisheng_may_keep = True  # type: ignore[attr-defined]
        response = self.get_response(request)
        content_type = response.get("Content-Type", "").split(";")[0].strip().lower()
        if (request.method not in ("GET", "HEAD") or response.status_code != 200 or response.streaming
                or getattr(request, "_jisheng_public_route", None) is not True
                or response.has_header("Cache-Control") or content_type not in _CACHEABLE_TYPES):
            return response
        _vary_on_cookie_only(response)
        if response.cookies or getattr(getattr(request, "user", None), "is_authenticated", False):
            patch_cache_control(response, private=True, no_cache=True)
            return response
        patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
        set_response_etag(response)
        if key is not None:
            self._keep(key, response)
        return get_conditional_response(request, etag=response["ETag"], response=response) or response

    def _key(self, request: HttpRequest) -> tuple[Any, ...] | None:
        """The store's key of an anonymous GET, or None when the request may not be served from the store."""
        from django.conf import settings

        from . import clock

        if request.method != "GET" or "HTTP_HX_REQUEST" in request.META:
            return None
        cookies = request.COOKIES
        if any(name != settings.LANGUAGE_COOKIE_NAME for name in cookies):
            return None
        return (request.is_secure(), request.META.get("HTTP_HOST", ""), request.path,
                request.META.get("QUERY_STRING", ""), cookies.get(settings.LANGUAGE_COOKIE_NAME), clock.today())

    def _keep(self, key: tuple[Any, ...], response: HttpResponse) -> None:
        import time

        tokens = getattr(response, "_jisheng_shared", None)
        if tokens is None or len(response.content) > self.STORE_BYTES:
            return
        now = time.monotonic()
        entry = (now + self.STORE_SECONDS, now, response.status_code, list(response.items()), response.content,
                 tokens)
        with self._lock:
            self._drop(key)
            self._store[key] = entry
            self._bytes += len(entry[4])
            while len(self._store) > self.STORE_ENTRIES or self._bytes > self.STORE_TOTAL_BYTES:
                self._drop(next(iter(self._store)))

    def _drop(self, key: tuple[Any, ...]) -> None:
        """Forget ``key``'s answer, if kept (the caller holds the lock)."""
        entry = self._store.pop(key, None)
        if entry is not None:
            self._bytes -= len(entry[4])

    def _served(self, request: HttpRequest, key: tuple[Any, ...]) -> HttpResponse | None:
        """The kept answer of ``key`` (a 304 when the request's If-None-Match matches), or None: nothing kept,
        expired, or a dependency's token changed (then the entry is dropped)."""
        import time

        from django.utils.cache import get_conditional_response

        with self._lock:
            entry = self._store.get(key)
            if entry is not None:
                self._store.move_to_end(key)
        if entry is None:
            return None
        expires, stored, status, headers, body, tokens = entry
        now = time.monotonic()
        if now >= expires or any(fn() != token for fn, token in tokens):
            with self._lock:
                if self._store.get(key) is entry:
                    self._drop(key)
            return None
        response = HttpResponse(body, status=status)
        for name, value in headers:
            response[name] = value
        response["Age"] = str(int(now - stored))
        not_modified = get_conditional_response(request, etag=response["ETag"], response=response)
        if not_modified is None:
            return response
        not_modified["Age"] = response["Age"]
        return not_modified


def _vary_on_cookie_only(response: HttpResponse) -> None:
    """Replace ``Accept-Language`` in the answer's ``Vary`` (LocaleMiddleware adds it, but it is ignored) by
    ``Cookie``, keeping any other name a view added."""
    names = [n.strip() for n in response.get("Vary", "").split(",") if n.strip()]
    kept = [n for n in names if n.lower() not in ("accept-language", "cookie")]
    response["Vary"] = ", ".join([*kept, "Cookie"])
