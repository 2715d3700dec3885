# sopbot: a small image with the package, the SOP definitions and no build tools.
FROM python:3.11-slim AS base

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY handlers ./handlers
RUN pip install .

COPY sop_definitions ./sop_definitions
COPY examples ./examples

RUN useradd --create-home --uid 10001 sopbot && mkdir -p /data && chown sopbot /data
USER sopbot
ENV DATABASE_URL=sqlite:////data/sopbot.sqlite3 \
    SOPBOT_DEFINITIONS_DIR=/app/sop_definitions
VOLUME ["/data"]

CMD ["sopbot", "run"]
