"""The offline demo: bundled sample sites, crawled, stored, evaluated and reported on loopback."""
