# Samenspraak in a container: `samenspraak serve` (webhook) by default.
#
#   docker build -t samenspraak .
#   docker run --env-file .env -e HTTP_HOST=0.0.0.0 -p 127.0.0.1:8080:8080 samenspraak
#   docker run --env-file .env -e HTTP_HOST=0.0.0.0 -p 127.0.0.1:8080:8080 \
#       --no-healthcheck samenspraak samenspraak run   # polling; the chat pages on 8080
#
# Settings come from the environment (see .env.example); nothing secret is baked in.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# The package and its dependencies (README.md is part of the package metadata): only what
# `run` and `serve` need. The sandbox (the local Telegram stand-in, with its 900 KB Bot API
# spec and web chat) is a feature of a source checkout: `make run` without a token.
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY flows ./flows
COPY analysis ./analysis
COPY storage ./storage
RUN pip install . && rm -rf build *.egg-info

COPY questionnaires ./questionnaires
# Reference populations for weighting (`samenspraak population import populations/...`).
COPY populations ./populations

# A user without a login and without rights outside /app/data (SQLite and the generated
# pseudonym key live there when DATABASE_URL and PSEUDONYM_SECRET are not set).
RUN useradd --system --uid 10001 --user-group --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin samenspraak \
    && mkdir -p /app/data \
    && chown samenspraak:samenspraak /app/data
USER samenspraak
VOLUME ["/app/data"]

# 0.0.0.0: every address of the container's own network, so that a published port reaches
# the server. Publish it on the host's loopback address for the reverse proxy
# (-p 127.0.0.1:8080:8080), never on a public one: see docs/deploying.md.
ENV HTTP_HOST=0.0.0.0 \
    HTTP_PORT=8080 \
    QUESTIONNAIRES_DIR=/app/questionnaires \
    MPLCONFIGDIR=/tmp/matplotlib
EXPOSE 8080

# 200 when the database answers (only `samenspraak serve` listens; with `samenspraak run`
# start the container with --no-healthcheck).
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('HTTP_PORT', '8080'), timeout=4)"]

# SIGTERM (docker stop) lets updates in progress finish; give it time: docker stop -t 30.
STOPSIGNAL SIGTERM
CMD ["samenspraak", "serve"]
