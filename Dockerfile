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

# No compiled bytecode in the image (78 MB of .pyc for the dependencies): Python compiles
# what a process imports at its first start and keeps it under PYTHONPYCACHEPREFIX, in the
# container's own writable layer, for every later command (the health check included).
ENV PYTHONUNBUFFERED=1 \
    PYTHONPYCACHEPREFIX=/tmp/sopbot-pycache \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# The wheels are mounted for this one step, so they never become a layer of the image.
# /wheels holds the one sopbot wheel and the dependency versions the build stage resolved,
# so the name needs no pin.
# In the same step (so nothing removed is ever in a layer), what never runs here goes:
# the libraries' test suites and type stubs, C headers, numpy's Fortran wrapper generator
# and SIMD test module, the parts of fontTools that build and convert fonts (matplotlib
# reads fonts with ttLib, agl, pens and misc; it never builds variable fonts, compiles
# feature files), matplotlib's sample data and the fonts the chart never uses (serif,
# monospace, Computer Modern: it draws in DejaVu Sans; STIX stays, mathtext's fallback),
# and the public-holiday names in
# languages other than Indonesian and English. `sopbot simulate` in .ci/container renders
# the reports (chart, PDF, XLSX) with what is left. The layers above the base stay under
# 200 MB (bench/image.py).
# hadolint ignore=DL3013
RUN --mount=type=bind,from=build,source=/wheels,target=/wheels \
    pip install --no-index --no-compile --find-links=/wheels sopbot \
 && site="$(python -B -c 'import os, bot; print(os.path.dirname(os.path.dirname(bot.__file__)))')" \
 && find "$site" -depth -type d \( -name tests -o -name test \) -exec rm -rf {} + \
 && find "$site" -name '*.pyi' -delete \
 && rm -rf "$site/numpy/f2py" "$site"/numpy/_core/_simd.* "$site/lxml/includes" \
        "$site/matplotlib/mpl-data/sample_data" \
 && (cd "$site/matplotlib/mpl-data/fonts/ttf" && rm -f DejaVuSerif* DejaVuSansMono* cm*.ttf) \
 && (cd "$site/fontTools" && rm -rf varLib feaLib cu2qu qu2cu merge ufoLib \
        designspaceLib voltLib mtiLib otlLib colorLib svgLib diff) \
 && find "$site/holidays/locale" -mindepth 1 -maxdepth 1 -type d ! -name id ! -name 'en_*' \
        -exec rm -rf {} + \
 && rm -rf /tmp/sopbot-pycache

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
