# syntax=docker/dockerfile:1
# sopbot: a small image with the package, the SOP definitions and no build tools.
#
#   docker build -t sopbot .
#   docker run --rm -e TELEGRAM_BOT_TOKEN=... -v sopbot-data:/data sopbot   # SQLite in /data
#   docker compose up -d                                                    # with PostgreSQL 16
#
# The entrypoint applies the migrations (`sopbot db upgrade`), then runs the command
# (default `sopbot run`, long polling). SOPBOT_MIGRATE=0 skips the migrations.

# -- build: wheels of sopbot and of everything it needs -----------------------------------
FROM python:3.11-slim AS build

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY handlers ./handlers
RUN pip wheel --wheel-dir /wheels .

# -- run: the wheels installed from the build stage, nothing else ----------------------
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# The wheels are mounted for this one step, so they never become a layer of the image.
# /wheels holds the one sopbot wheel and the dependency versions the build stage resolved,
# so the name needs no pin.
# hadolint ignore=DL3013
RUN --mount=type=bind,from=build,source=/wheels,target=/wheels \
    pip install --no-index --find-links=/wheels sopbot

WORKDIR /app
COPY sop_definitions ./sop_definitions
COPY examples ./examples
COPY --chmod=755 docker-entrypoint.sh /usr/local/bin/docker-entrypoint.sh

RUN useradd --create-home --uid 10001 sopbot && mkdir -p /data && chown 10001 /data
USER 10001
ENV DATABASE_URL=sqlite:////data/sopbot.sqlite3 \
    SOPBOT_DEFINITIONS_DIR=/app/sop_definitions
VOLUME ["/data"]
# Only used in webhook mode (`sopbot run --webhook URL --listen 0.0.0.0:8443`).
EXPOSE 8443

HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 \
    CMD ["sopbot", "health"]

ENTRYPOINT ["docker-entrypoint.sh"]
CMD ["sopbot", "run"]
