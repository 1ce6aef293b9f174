# syntax=docker/dockerfile:1
# The monitor daemon: `docker build -t monitor .` then `docker compose up` (see docker-compose.yml).

# ---- build: a wheel from the source (hatchling is only needed here) -----------------------
FROM python:3.11-slim AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
WORKDIR /src
# Only what the wheel is made of (pyproject's wheel target: monitor/, schemas/, events/).
COPY pyproject.toml README.md ./
COPY monitor ./monitor
COPY schemas ./schemas
COPY events ./events
RUN pip wheel --no-deps --wheel-dir /wheels .

# ---- run ------------------------------------------------------------------------------
FROM python:3.11-slim
ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1
# psycopg[binary] ships libpq in its wheel: no system packages are needed.
COPY --from=build /wheels /wheels
RUN pip install /wheels/*.whl && rm -rf /wheels

# A fixed, unprivileged user; /data holds what the defaults write (a SQLite file, a Maildir).
RUN groupadd --system --gid 10001 monitor \
    && useradd --system --uid 10001 --gid monitor --home-dir /data --shell /usr/sbin/nologin monitor \
    && mkdir -p /data /etc/monitor \
    && chown monitor:monitor /data
WORKDIR /data
VOLUME ["/data"]
USER monitor:monitor

# Config by environment (MONITOR_DATABASE_URL, MONITOR_DATABASE_PASSWORD, MONITOR_SMTP_*,
# MONITOR_MAIL_TO; see docker-compose.yml) or a file named by MONITOR_CONFIG.
# `run` stops cleanly on SIGTERM (the poll in progress finishes first).
STOPSIGNAL SIGTERM
# --quick: config, database and mail server, but not the feeds (a health check must not
# depend on third-party web sites, nor poll them every minute).
HEALTHCHECK --interval=60s --timeout=30s --start-period=60s --retries=3 \
    CMD ["monitor", "doctor", "--quick", "--timeout", "10"]

ENTRYPOINT ["monitor"]
CMD ["run"]
