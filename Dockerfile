# The application image used by every app service in docker-compose.yml.
FROM python:3.11.10-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 CCHC_HOME=/var/lib/cchc
WORKDIR /app
COPY pyproject.toml setup.py README.md ./
COPY cchc ./cchc
COPY crawlers ./crawlers
COPY monitor ./monitor
COPY rules ./rules
COPY notifier ./notifier
COPY stream ./stream
COPY web ./web
COPY plans ./plans
# gcc only while pip builds the monitor's C text passes (monitor/_textscan.c, setup.py)
RUN apt-get update && apt-get install -y --no-install-recommends gcc libc6-dev \
    && pip install --no-cache-dir -e '.[postgres]' \
    && python -c 'from monitor import _textscan' \
    && apt-get purge -y gcc libc6-dev && apt-get autoremove -y && rm -rf /var/lib/apt/lists/* \
    && useradd --system --home /var/lib/cchc cchc \
    && mkdir -p /var/lib/cchc && chown cchc /var/lib/cchc
USER cchc
ENTRYPOINT ["cchc"]
