"""Scrapy settings of the crawl: polite by default, every component registered here in order.

Override any of them through ``run_crawl(..., settings={...})``.
"""

from __future__ import annotations

import os

CONTACT = os.environ.get("CCHC_CRAWLER_CONTACT", "mailto:cchc-monitor@localhost")

SETTINGS: dict[str, object] = {
    "BOT_NAME": "cchc-monitor",
    "USER_AGENT": f"CCHC-Monitor/0.1 (+{CONTACT}; theo doi tuyen truyen cai cach hanh chinh)",
    "ROBOTSTXT_OBEY": True,
    "AUTOTHROTTLE_ENABLED": True,
    "AUTOTHROTTLE_START_DELAY": 1.0,
    "AUTOTHROTTLE_MAX_DELAY": 30.0,
    "AUTOTHROTTLE_TARGET_CONCURRENCY": 2.0,
    "CONCURRENT_REQUESTS": 32,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 4,
    "DOWNLOAD_DELAY": 0.25,
    "DOWNLOAD_TIMEOUT": 30,
    "DOWNLOAD_MAXSIZE": 8 * 1024 * 1024,
    "DOWNLOAD_WARNSIZE": 4 * 1024 * 1024,
    "RETRY_TIMES": 1,
    "REDIRECT_MAX_TIMES": 8,
    "COOKIES_ENABLED": False,
    # Scrapy starts CONCURRENT_ITEMS asyncio tasks per response; our pipeline is synchronous, so
    # the default 100 only costs time (measured: a third of the crawl process's CPU).
    "CONCURRENT_ITEMS": 4,
    "TELNETCONSOLE_ENABLED": False,
    # Scrapy 2.19's remote control runs Python code sent to a local HTTP port; a scheduled
    # crawler has no use for it.
    "REMOTE_CONTROL_ENABLED": False,
    "LOG_LEVEL": "INFO",
    "DOWNLOADER_MIDDLEWARES": {
        # Our scope middleware keeps each source on its site; Scrapy's (allowed_domains) is idle.
        "scrapy.downloadermiddlewares.offsite.OffsiteMiddleware": None,
        "scrapy.downloadermiddlewares.httpauth.HttpAuthMiddleware": None,  # no site needs a login
        "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,  # ours, cheaper
        "crawlers.downloadermiddlewares.scope.SourceScopeMiddleware": 50,
        "crawlers.downloadermiddlewares.conditional.ConditionalGetMiddleware": 560,
        "crawlers.downloadermiddlewares.metarefresh.MetaRefreshMiddleware": 580,
    },
    # Every middleware runs once per request and once per item or request a callback returns;
    # these do nothing we use (no depth limit, no Referer needed, a development-time meta check).
    "SPIDER_MIDDLEWARES": {
        "scrapy.spidermiddlewares.referer.RefererMiddleware": None,
        "scrapy.spidermiddlewares.depth.DepthMiddleware": None,
        "scrapy.spidermiddlewares.metacopy.MetaCopyDetectionMiddleware": None,
    },
    "ITEM_PIPELINES": {"crawlers.pipelines.publish.PublishPipeline": 500},
    "EXTENSIONS": {"crawlers.extensions.health.HealthExtension": 500},
    # Ours: where state lives, how often known articles are rechecked, extraction processes.
    "CCHC_STATE_DIR": ".cchc/crawl-state",
    "CCHC_REVISIT_DAYS": 0,
    "CCHC_EXTRACT_WORKERS": 0,
    "CCHC_MAX_SITEMAP_URLS": 5000,
}
