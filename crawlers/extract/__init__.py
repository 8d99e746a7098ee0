"""Article extraction: decoding, metadata, main text (trafilatura), run inline or in a process pool."""
