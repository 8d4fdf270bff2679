FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_SETTINGS_MODULE=config.settings.production
RUN apt-get update && apt-get install -y --no-install-recommends gettext && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY . .
RUN pip install --no-cache-dir -e .
# Build-time only values: collectstatic and compilemessages touch no database, cache or secret; exported so that
# both commands see them.
RUN export SECRET_KEY=build DATABASE_URL=sqlite:////tmp/build.sqlite3 REDIS_URL=redis://unused:6379/0 \
 && python manage.py collectstatic --noinput \
 && python manage.py compilemessages --ignore=.venv -v0 \
 && useradd --system app && mkdir -p /app/media /app/private && chown app /app/media /app/private
USER app

EXPOSE 8000
CMD ["sh", "-c", "python manage.py migrate --noinput && gunicorn config.wsgi -c config/gunicorn.py --bind 0.0.0.0:8000 --access-logfile -"]
