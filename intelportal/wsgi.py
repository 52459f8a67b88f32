import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "intelportal.settings")
application = get_wsgi_application()

# Each gunicorn worker imports this module once it has forked: build the resolver and the
# templates, then keep the collector from walking them (intelportal/startup.py says why).
from intelportal.startup import prepare_worker  # noqa: E402 - needs Django set up

prepare_worker()
