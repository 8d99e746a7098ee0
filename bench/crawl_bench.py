"""Crawl benchmark: the full pipeline (Scrapy fetch + extraction + publish to the embedded stream)
against a bare loop (httpx + the same decoding and extraction, both on two cores), the requests a
recrawl of an unchanged site costs, and extraction quality on the AEB corpus.

The site's article pages are furnished like a real portal's (bench/portal_pages.py, ~23 KB); the
same comparison also runs on bare ~4 KB story pages (``small_pages_*``), where the framework's
per-request cost weighs most. The machine is shared, so its load changes from one second to the
next: the pipeline and the bare loop run in alternating order, several rounds, and each ratio is
the median of its rounds' ratios.

    /work/venv/bin/python bench/crawl_bench.py [--pages 1500] [--rounds 3] [--small-rounds 2] [--json]
"""

from __future__ import annotations

import argparse
import gzip
import json
import multiprocessing
import os
import re
import resource
import statistics
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from portal_pages import LINKS_PER_LISTING, build_pages  # beside this script

from crawlers.extract.article import PageContext, extract_article, main_text
from crawlers.extract.encoding import decode_body
from crawlers.items import ArticleItem, now_iso
from crawlers.registry import load_registry
from crawlers.run import run_crawl
from stream import open_stream
from stream.events import Envelope

AEB = REPO.parent / "shared" / "corpus" / "aeb"


def serve(count: int, furnished: bool, ready: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    """The site, in its own process so that it does not share a GIL with what is measured."""
    pages, hits = build_pages(count, furnished=furnished), Counter()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        wbufsize = -1  # headers and body leave in one segment (no Nagle / delayed-ACK stalls)
        disable_nagle_algorithm = True

        def do_GET(self) -> None:
            if self.path == "/__hits":
                body, status = json.dumps(hits).encode(), 200
            else:
                hits[self.path.split("/")[1]] += 1
                body = pages.get(self.path, b"")
                status = 200 if body else 404
                etag = f'"{hash(body) & 0xFFFFFFFF:x}"'
                if body and self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
            self.send_response(status)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("ETag", f'"{hash(body) & 0xFFFFFFFF:x}"')
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    ready.put(server.server_address[1])
    server.serve_forever()


def hits(base: str) -> Counter[str]:
    return Counter(httpx.get(f"{base}/__hits").json())


SETTINGS = {"CCHC_EXTRACT_WORKERS": 2, "AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_DELAY": 0,
            "CONCURRENT_REQUESTS": 32, "CONCURRENT_REQUESTS_PER_DOMAIN": 32, "LOG_LEVEL": "ERROR"}  # fmt: skip


def cpu_s(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def pipeline(base: str, count: int, tmp: Path, recrawl: bool) -> tuple[float, float, float | None]:
    """Pages/s and CPU ms/page (crawl process from its start, and its extraction workers) of one
    crawl from an empty state; with ``recrawl``, also the requests per page of a second crawl of
    the unchanged site."""
    listings = (count + LINKS_PER_LISTING - 1) // LINKS_PER_LISTING
    sources = "".join(
        f'      - {{id: ds-{i}, kind: listing, url: "{base}/ds/{i}", links: "css:.list a::attr(href)"}}\n'
        for i in range(listings)
    )
    path = tmp / "sources.yaml"
    path.write_text(
        f"agencies:\n  - id: bench\n    name: Bench\n    sources:\n{sources}", encoding="utf-8"
    )
    registry, stream_url = load_registry(path), f"embedded://{tmp / 'stream.db'}"
    started, cpu = time.perf_counter(), cpu_s(resource.RUSAGE_CHILDREN)
    report = run_crawl(registry, stream_url, state_dir=tmp / "state", settings=SETTINGS)
    wall = time.perf_counter() - started
    cpu_ms = (cpu_s(resource.RUSAGE_CHILDREN) - cpu) * 1000 / count
    assert report.articles_new == count, report
    print(f"pipeline: {count} articles in {report.elapsed_s:.2f} s of crawl"
          f" ({wall:.2f} s with process start), {cpu_ms:.2f} ms CPU a page,"
          f" load {os.getloadavg()[0]:.2f}")  # fmt: skip
    if not recrawl:
        return count / report.elapsed_s, cpu_ms, None
    before = hits(base)
    run_crawl(registry, stream_url, state_dir=tmp / "state", settings=SETTINGS)
    requests = hits(base) - before
    print(f"recrawl of the unchanged site: {dict(requests)} requests")
    return count / report.elapsed_s, cpu_ms, sum(requests.values()) / count


def bare(base: str, count: int, publish: bool = True) -> tuple[float, float]:
    """The same work without the framework: httpx fetches (one keep-alive connection), the
    crawler's decoding (``decode_body``) and extraction (``extract_article``) in a 2-process
    pool, so both cores work, and the same ``article.collected`` events published to an embedded
    stream; no politeness, no seen-URL store, no health events. Pages/s, CPU ms/page."""
    started = time.perf_counter()
    cpu = cpu_s(resource.RUSAGE_SELF) + cpu_s(resource.RUSAGE_CHILDREN)
    with (
        tempfile.TemporaryDirectory() as tmp,
        httpx.Client() as client,
        ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as pool,
    ):
        stream = open_stream(f"embedded://{tmp}/bare.db")
        pages = []
        listings = (count + LINKS_PER_LISTING - 1) // LINKS_PER_LISTING
        for listing in range(listings):
            page = _decoded(client.get(f"{base}/ds/{listing}"))
            for link in re.findall(r'href="(/tin/\d+\.html)"', page):
                url = base + link
                html = _decoded(client.get(url))
                context = PageContext(url=url, source_kind="listing")
                pages.append((url, html, pool.submit(extract_article, html, context)))
        for url, html, future in pages:
            fields = future.result()
            assert fields["text"]
            item = ArticleItem(url=url, html=html, agency_id="bench", channel_id="bench",
                               source_id="bare", fetched_at=now_iso(), **fields)  # fmt: skip
            if publish:
                event = Envelope.new("article.collected", item.payload())
                stream.publish("articles", "bench", event)
        stream.close()
    assert len(pages) == count
    elapsed = time.perf_counter() - started
    cpu = cpu_s(resource.RUSAGE_SELF) + cpu_s(resource.RUSAGE_CHILDREN) - cpu
    print(f"bare loop: {count} articles in {elapsed:.2f} s, {cpu * 1000 / count:.2f} ms CPU a page,"
          f" load {os.getloadavg()[0]:.2f}")  # fmt: skip
    return count / elapsed, cpu * 1000 / count


def _decoded(response: httpx.Response) -> str:
    return decode_body(response.content, response.headers.get("content-type"))[0]


def _f1(pair: tuple[str, str]) -> float:
    predicted, gold = (Counter(re.findall(r"\w+", text.lower())) for text in pair)
    common = sum((predicted & gold).values())
    if not common:
        return 0.0
    precision, recall = common / sum(predicted.values()), common / sum(gold.values())
    return 2 * precision * recall / (precision + recall)


def _aeb_one(item: tuple[str, str, str]) -> float:
    page_id, url, gold = item
    html = gzip.decompress((AEB / "html" / f"{page_id}.html.gz").read_bytes()).decode(
        "utf-8", errors="replace"
    )
    return _f1((main_text(html, url), gold))


def extract_f1() -> float | None:
    if not AEB.is_dir():
        return None
    gold = json.loads((AEB / "ground-truth.json").read_text(encoding="utf-8"))
    items = [(key, value["url"], value["articleBody"]) for key, value in gold.items()]
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as pool:
        scores = list(pool.map(_aeb_one, items, chunksize=8))
    return sum(scores) / len(scores)


def start_site(count: int, furnished: bool) -> tuple[str, multiprocessing.Process]:
    context = multiprocessing.get_context("spawn")
    ready = context.Queue()
    server = context.Process(target=serve, args=(count, furnished, ready), daemon=True)
    server.start()
    return f"http://127.0.0.1:{ready.get(timeout=60)}", server


def compare(base: str, pages: int, rounds: int, publish: bool) -> dict[str, object]:
    """Pipeline and bare loop, alternating, ``rounds`` times; the first pipeline run is followed
    by a recrawl of the unchanged site."""
    crawl_runs: list[tuple[float, float]] = []
    bare_runs: list[tuple[float, float]] = []
    recrawl: float | None = None
    for round_ in range(rounds):
        if round_ % 2:
            bare_runs.append(bare(base, pages, publish))
        with tempfile.TemporaryDirectory() as tmp:
            rate, cpu_ms, requests = pipeline(base, pages, Path(tmp), round_ == 0)
        crawl_runs.append((rate, cpu_ms))
        recrawl = requests if requests is not None else recrawl
        if not round_ % 2:
            bare_runs.append(bare(base, pages, publish))
    ratios = [crawl[0] / bare_[0] for crawl, bare_ in zip(crawl_runs, bare_runs, strict=True)]
    return {
        "crawl_pages_per_s": round(statistics.median(run[0] for run in crawl_runs), 1),
        "bare_pages_per_s": round(statistics.median(run[0] for run in bare_runs), 1),
        "crawl_ratio_to_bare": round(statistics.median(ratios), 3),
        "ratio_per_round": [round(ratio, 3) for ratio in ratios],
        "crawl_cpu_ms_per_page": round(statistics.median(run[1] for run in crawl_runs), 2),
        "bare_cpu_ms_per_page": round(statistics.median(run[1] for run in bare_runs), 2),
        "recrawl_requests_per_page": round(recrawl, 4) if recrawl is not None else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=1500)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--small-rounds", type=int, default=2,
                        help="rounds on bare story pages (0: skip)")  # fmt: skip
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--bare-without-publish", action="store_true",
                        help="the earlier baseline: fetch and extract, no stream")  # fmt: skip
    args = parser.parse_args()
    load, publish = os.getloadavg()[0], not args.bare_without_publish
    base, server = start_site(args.pages, furnished=True)
    try:
        result = compare(base, args.pages, args.rounds, publish)
        articles = [body for path, body in build_pages(50).items() if path.startswith("/tin/")]
        page_kb = statistics.mean(map(len, articles)) / 1024
    finally:
        server.terminate()
        server.join()
    result["article_page_kb"] = round(page_kb, 1)
    if args.small_rounds:
        base, server = start_site(args.pages, furnished=False)
        try:
            small = compare(base, args.pages, args.small_rounds, publish)
        finally:
            server.terminate()
            server.join()
        for key in (
            "crawl_pages_per_s",
            "bare_pages_per_s",
            "crawl_ratio_to_bare",
            "ratio_per_round",
        ):
            result[f"small_pages_{key}"] = small[key]
    f1 = extract_f1()
    result["extract_f1"] = round(f1, 4) if f1 is not None else None
    result["load_average_1m"] = round(load, 2)
    if args.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(f"{key}: {value}")


if __name__ == "__main__":
    main()
