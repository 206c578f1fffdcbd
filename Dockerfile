# helpnet in a container: gunicorn serving the app, static files by WhiteNoise, translations compiled at build.
# Build:  docker build -t helpnet .
# Run:    see docs/deployment.md ("Containers") for the environment and a compose example; the same image runs
#         the web server (default command), `helpnet db_worker`, `helpnet migrate`, `helpnet nightly` and backups.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PROJECT_ENVIRONMENT=/app/.venv \
    PATH=/app/.venv/bin:$PATH

# gettext: compilemessages at build. postgresql-client (15 on Debian 12, the server version we run): pg_dump and
# pg_restore for `helpnet backup` / `helpnet restore`.
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext postgresql-client \
    && rm -rf /var/lib/apt/lists/* \
    && pip install --no-cache-dir uv==0.13.8

WORKDIR /app
# Dependencies first, so a code change does not reinstall them.
COPY pyproject.toml uv.lock README.md ./
RUN uv sync --frozen --no-dev --no-install-project
COPY . .
RUN uv sync --frozen --no-dev

# Build-time only: a throwaway key lets settings load with DEBUG off; the running container gets its own.
ENV DEBUG=0 \
    HELPNET_VAR_DIR=/var/lib/helpnet \
    STATIC_ROOT=/app/staticfiles
RUN SECRET_KEY=build-only-not-secret helpnet compilemessages --ignore=.venv -v0 \
    && SECRET_KEY=build-only-not-secret helpnet collectstatic --noinput -v0

RUN useradd --system --uid 10001 --home-dir /var/lib/helpnet --shell /usr/sbin/nologin helpnet \
    && mkdir -p /var/lib/helpnet \
    && chown helpnet:helpnet /var/lib/helpnet
USER helpnet
VOLUME ["/var/lib/helpnet"]
EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 \
    CMD ["python", "-m", "helpnet.lib.healthcheck"]

# gunicorn reads WEB_CONCURRENCY (workers; 2 x cores + 1 is the usual start), FORWARDED_ALLOW_IPS (whose
# X-Forwarded-* it believes: "*" suits a container whose port 8000 only the reverse proxy reaches; set the
# proxy's address otherwise, and never publish port 8000 to the internet) and GUNICORN_CMD_ARGS (more flags).
ENV WEB_CONCURRENCY=3 \
    FORWARDED_ALLOW_IPS="*"
CMD ["gunicorn", "helpnet.wsgi:application", "--bind", "0.0.0.0:8000", "--timeout", "30", \
     "--graceful-timeout", "30", "--max-requests", "2000", "--max-requests-jitter", "200", \
     "--access-logfile", "-"]
