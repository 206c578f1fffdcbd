"""Container health check: `python -m helpnet.lib.healthcheck` exits 0 when the app answers its home page.

It asks gunicorn on 127.0.0.1 for the help map's home page (which reads the database) with the Host header
of the first ALLOWED_HOSTS entry, and says "https" in X-Forwarded-Proto as the reverse proxy would, so
neither the host check nor SECURE_SSL_REDIRECT turns it away. No Django import: it stays cheap.
"""

import os
import sys
import urllib.error
import urllib.request


def main() -> int:
    hosts = [h.strip().lstrip(".") for h in os.environ.get("ALLOWED_HOSTS", "localhost").split(",")]
    host = next((h for h in hosts if h and h != "*"), "localhost")
    port = os.environ.get("HELPNET_HEALTHCHECK_PORT", "8000")
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/en/", headers={"Host": host, "X-Forwarded-Proto": "https"}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return 0 if response.status == 200 else 1
    except (urllib.error.URLError, OSError) as error:
        print(f"unhealthy: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
