"""Canonical article URLs: one string per article however a portal, a share button or a feed
spelled its address, so that "same URL" deduplication in the store is a plain equality test."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from urllib.parse import quote, urlsplit, urlunsplit

_TRACKING_EXACT = frozenset(
    {
        "fbclid",
        "gclid",
        "gclsrc",
        "dclid",
        "msclkid",
        "yclid",
        "igshid",
        "mc_cid",
        "mc_eid",
        "_hsenc",
        "_hsmi",
        "zarsrc",
        "zalo",
        "gidzl",
        "zacc",
        "_ga",
        "_gl",
        "ocid",
        "cmpid",
        "spm",
        "share",
        "from_zalo",
        "fb_source",
        "fb_action_ids",
        "fb_action_types",
        "fb_ref",
    }
)
# Whole prefixes only where every key is a campaign tag; Piwik/Matomo's are listed one by one
# ("pk_id" may be an article id on some portal).
_TRACKING_PREFIXES = ("utm_", "zalo_", "mtm_")
_TRACKING_PIWIK = frozenset({"pk_campaign", "pk_kwd", "pk_keyword", "pk_source", "pk_medium",
                             "pk_content", "pk_cid", "pk_vid"})  # fmt: skip
# A fragment is the page's own business, except on portals routed in the browser
# ("https://portal/#/tin-tuc/chi-tiet/1234"), where it is the article's address.
_ROUTE_FRAGMENT = ("/", "!/")
_MOBILE_PREFIXES = ("www.", "m.", "mobile.", "amp.")
_DEFAULT_PORTS = frozenset({80, 443})
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_PCT = re.compile(r"%([0-9A-Fa-f]{2})")
_PATH_SAFE = "/:@!$&'()*+,;=-._~%"
_QUERY_SAFE = ":@!$'()*+,;=/?-._~%"


def canonical_url(url: str) -> str:
    """Return the canonical form of ``url`` (https, bare host, no tracking, sorted query).

    Strings that are not absolute http(s) URLs are returned trimmed but otherwise unchanged:
    the store still needs a key for them, and guessing would merge different things.
    """
    raw = unicodedata.normalize("NFC", (url or "").strip())
    if raw.startswith("//"):
        raw = "https:" + raw
    parts = urlsplit(raw)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        return raw
    host = _canonical_host(parts.hostname)
    try:
        port = parts.port
    except ValueError:
        port = None
    netloc = host if port is None or port in _DEFAULT_PORTS else f"{host}:{port}"
    path = _canonical_path(parts.path)
    query = _canonical_query(parts.query)
    fragment = parts.fragment if parts.fragment.startswith(_ROUTE_FRAGMENT) else ""
    return _bounded(urlunsplit(("https", netloc, path, query, fragment)))


def _canonical_host(hostname: str) -> str:
    host = hostname.lower().rstrip(".")
    host = _to_ascii(host)
    for prefix in _MOBILE_PREFIXES:
        if host.startswith(prefix) and host.count(".") >= 2:
            host = host[len(prefix) :]
            break
    return host


def _to_ascii(host: str) -> str:
    """IDNA-encode each label (IDNA 2008 via ``idna`` when present, else Python's codec)."""
    if host.isascii():
        return host
    try:
        import idna

        return idna.encode(host, uts46=True).decode("ascii")
    except (ImportError, ValueError):
        try:
            return host.encode("idna").decode("ascii")
        except UnicodeError:
            return host


def _normalise_escapes(component: str, safe: str) -> str:
    """Decode escapes of unreserved characters, upper-case the rest, escape what must be."""

    def fix(match: re.Match[str]) -> str:
        char = chr(int(match.group(1), 16))
        return char if char in _UNRESERVED else "%" + match.group(1).upper()

    decoded = _PCT.sub(fix, component)
    return quote(decoded, safe=safe)


def _canonical_path(path: str) -> str:
    segments: list[str] = []
    for segment in path.split("/"):
        if segment == "..":
            if segments:
                segments.pop()
        elif segment not in (".", ""):
            segments.append(segment)
    joined = "/" + "/".join(segments)
    return _normalise_escapes(joined, _PATH_SAFE)


def _is_tracking(key: str) -> bool:
    lowered = key.lower()
    return (
        lowered in _TRACKING_EXACT
        or lowered in _TRACKING_PIWIK
        or lowered.startswith(_TRACKING_PREFIXES)
    )


def _canonical_query(query: str) -> str:
    pairs: list[tuple[str, str]] = []
    for item in query.replace(";", "&").split("&"):
        if not item:
            continue
        key, _, value = item.partition("=")
        if _is_tracking(_unescape_for_key(key)):
            continue
        pairs.append((_normalise_escapes(key, _QUERY_SAFE), _normalise_escapes(value, _QUERY_SAFE)))
    pairs.sort()
    return "&".join(f"{key}={value}" if value else key for key, value in pairs)


def _unescape_for_key(key: str) -> str:
    return _PCT.sub(lambda m: chr(int(m.group(1), 16)), key).replace("+", " ")


MAX_URL = 2000  # the articles.canonical_url column


def _bounded(url: str) -> str:
    """A URL longer than the column keeps its start and a hash of the whole, so two long URLs
    stay distinct and the same long URL always maps to the same key."""
    if len(url) <= MAX_URL:
        return url
    return f"{url[:1900]}#sha256={hashlib.sha256(url.encode()).hexdigest()}"
