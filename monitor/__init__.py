"""The monitor: deduplicates, classifies, attributes and stores collected articles."""
