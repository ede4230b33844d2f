"""A minimal Django project serving django-helpdesk and its REST API, as the
yardstick of `pronto bench server --yardstick django-helpdesk`.

Everything comes from the environment that ../django-helpdesk.sh sets: the database
file (YARDSTICK_DB) and the secret key (YARDSTICK_SECRET_KEY, random per cache).
"""

import os

SECRET_KEY = os.environ["YARDSTICK_SECRET_KEY"]
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sites",
    "rest_framework",
    "rest_framework.authtoken",
    "helpdesk",
    "yardstick.apps.YardstickConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]

ROOT_URLCONF = "yardstick.urls"
WSGI_APPLICATION = "yardstick.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ["YARDSTICK_DB"],
        "OPTIONS": {
            # Two gunicorn workers write at once: wait for the write lock (as
            # Pronto's busy_timeout does) and take it at BEGIN, so that a
            # transaction never fails on upgrading a read lock.
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
        },
        # A worker keeps its connection (Pronto keeps a pool), rather than Django's
        # default of a new connection, and its pragmas, per request.
        "CONN_MAX_AGE": None,
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Token authentication, the REST API's equivalent of Pronto's bearer token (a
# password per request would measure PBKDF2, not the helpdesk).
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
}

SITE_ID = 1
USE_TZ = True
TIME_ZONE = "UTC"
LANGUAGE_CODE = "en-us"
STATIC_URL = "/static/"
LOGIN_URL = "/login/"

# No mail leaves the machine (and none piles up in memory).
EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"

HELPDESK_TEAMS_MODE_ENABLED = False
HELPDESK_API_ENABLED = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
