"""Fixtures shared across test modules live in plain modules, registered here."""

# The app over a small KL 70 cascade: `built`, `client`, `lin` (see api_fixtures.py);
# headless Chromium for the browser tests: `browser` (see browser_fixtures.py).
pytest_plugins = ["api_fixtures", "browser_fixtures"]
