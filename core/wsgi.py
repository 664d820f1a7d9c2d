"""The WSGI application for gunicorn: `gunicorn storefront.wsgi:app`."""

from .app import create_app

app = create_app()
