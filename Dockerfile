# OneGate production image: gunicorn serving the app, static files through WhiteNoise.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --create-home --uid 1000 onegate

WORKDIR /app
COPY requirements.lock .
RUN pip install -r requirements.lock
COPY . .
# collectstatic needs settings to load; the build-time key is never used at run time.
RUN DEBUG=0 SECRET_KEY=build-only-$(python -c "import secrets; print(secrets.token_urlsafe(48))") \
    STATIC_ROOT=/app/staticfiles python manage.py collectstatic --noinput \
 && mkdir -p /srv/onegate/private && chown -R onegate /srv/onegate

USER onegate
ENV STATIC_ROOT=/app/staticfiles PRIVATE_MEDIA_ROOT=/srv/onegate/private
EXPOSE 8000
CMD ["gunicorn", "onegate.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
