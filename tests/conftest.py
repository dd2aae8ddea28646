"""Fixtures shared across test modules live in plain modules, registered here."""

import os

# The app over a small KL 70 cascade: `built`, `client`, `lin` (see api_fixtures.py);
# headless Chromium for the browser tests: `browser` (see browser_fixtures.py).
# The seeds as scans, OCR'd once a session: `scans` (see scan_fixtures.py).
pytest_plugins = ["api_fixtures", "browser_fixtures", "scan_fixtures"]

# Every ingest stamps its new graphs with this time (graph/ingestlog.py), so two stores of the same
# documents, ingested seconds apart, still dump identically; a test that needs times sets its own.
os.environ.setdefault("SOURCE_DATE_EPOCH", "1717200000")
