# One image for every app process: web (default CMD), migrate, Celery worker and beat.
FROM python:3.13-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore \
    DJANGO_ENV=production

# The app runs unprivileged; everything under /app stays root-owned, so it is read-only to it.
RUN useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin app

WORKDIR /app

# Dependencies first, so a source-only change reuses this layer.
# pyproject.toml has `packages = []`: the editable install brings in the dependencies only.
COPY pyproject.toml requirements.lock ./
RUN pip install --no-cache-dir -c requirements.lock -e .

COPY . .

# Production settings refuse to load without a key and hosts: dummy values, for this step only.
RUN DJANGO_SECRET_KEY=build-only-collectstatic-not-a-real-secret-0123456789abcdef \
    DJANGO_ALLOWED_HOSTS=build \
    python manage.py collectstatic --noinput

USER app
EXPOSE 8000
# gunicorn reads gunicorn.conf.py (two workers per CPU, or WEB_CONCURRENCY).
CMD ["gunicorn", "mentoring.wsgi:application", "--bind", "0.0.0.0:8000"]
