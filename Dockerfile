# The application image used by every app service in docker-compose.yml.
FROM python:3.11.10-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 CCHC_HOME=/var/lib/cchc
WORKDIR /app
COPY pyproject.toml README.md ./
COPY cchc ./cchc
COPY crawlers ./crawlers
COPY monitor ./monitor
COPY rules ./rules
COPY notifier ./notifier
COPY stream ./stream
COPY plans ./plans
RUN pip install --no-cache-dir -e '.[postgres]' && useradd --system --home /var/lib/cchc cchc \
    && mkdir -p /var/lib/cchc && chown cchc /var/lib/cchc
USER cchc
ENTRYPOINT ["cchc"]
