"""Settings shared by every environment.

Secrets and anything that differs between machines come from the environment only:
``DJANGO_SECRET_KEY``, ``DATABASE_URL``, ``DJANGO_ALLOWED_HOSTS``. See docs/deploy.md.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("JISHENG_VAR_DIR", BASE_DIR / "var"))
# The vendored document fonts (`jisheng fonts fetch`, docs/adr/0044); outside var/ so a clean database keeps them.
JISHENG_FONT_DIR = Path(os.environ.get("JISHENG_FONT_DIR", BASE_DIR / "vendor" / "fonts"))

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
DEBUG = False
ALLOWED_HOSTS = [h for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "").split(",") if h]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "csp",
    # Jisheng, lowest layer first (see ARCHITECTURE.md)
    "jisheng.core",
    "jisheng.accounts",
    "jisheng.law",
    "jisheng.registry",
    "jisheng.cases",
    "jisheng.licensing",
    "jisheng.enforcement",
    "jisheng.petitions",
    "jisheng.benefits",
    "jisheng.disclosure",
    "jisheng.activities",
    "jisheng.statistics",
    "jisheng.portal",
    "jisheng.api",
    "jisheng.ops",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Public pages: Cache-Control public + ETag/304 when no cookie is set (sees the cookies and Vary added below).
    "jisheng.core.middleware.PublicCacheMiddleware",
    # An API body is read here, at most 64 KB, whatever length it declares (a chunked body declares none).
    "jisheng.core.middleware.LimitApiBodyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The session's expiry is pushed at most every JISHENG_SESSION_REFRESH_AFTER seconds, not on every request.
    "jisheng.accounts.middleware.SessionRefreshMiddleware",
    "jisheng.core.middleware.RejectNulMiddleware",
    "jisheng.core.middleware.ChineseFirstMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Django's, taking the account read with the session (accounts.sessions) instead of reading it again.
    "jisheng.accounts.middleware.AuthenticationMiddleware",
    # Staff answers are never stored by a browser or proxy (Cache-Control: no-store); public routes are left alone.
    "jisheng.core.middleware.NoStoreMiddleware",
    # django_otp's OTPMiddleware, trusting the second-factor check remembered in the session (accounts.otp).
    "jisheng.accounts.middleware.SessionOTPMiddleware",
    "jisheng.accounts.middleware.RequireSecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "jisheng.core.middleware.RequestContextMiddleware",
    # Axes must be last: it inspects the response of the login view.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "jisheng" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "jisheng.core.context_processors.navigation",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{VAR_DIR / 'jisheng.sqlite3'}",
        conn_max_age=60,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server and the task worker use the embedded database at the same time.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;",
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "jisheng.accounts.backends.StaffBackend",
]
# Demo accounts (jisheng demo; password printed by make run) sign in only where this is on: local settings and the
# tests; under production settings only with JISHENG_DEMO_ACCOUNTS=1 (a demonstration server).
JISHENG_DEMO_ACCOUNTS = os.environ.get("JISHENG_DEMO_ACCOUNTS", "") == "1"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:workbench"
LOGOUT_REDIRECT_URL = "accounts:login"

# Sessions: idle staff sessions expire after two hours; closing the browser ends them. The expiry is pushed (one
# session write) only when it was last pushed five minutes ago or more, so an idle session ends between 1 h 55 min
# and 2 h after its last request (accounts.middleware.SessionRefreshMiddleware, docs/adr/0050).
SESSION_COOKIE_AGE = 2 * 60 * 60
SESSION_SAVE_EVERY_REQUEST = False
JISHENG_SESSION_REFRESH_AFTER = 5 * 60  # seconds
# Database sessions read together with the signed-in account in one statement (accounts_session; docs/adr/0053).
SESSION_ENGINE = "jisheng.accounts.sessions"
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "jisheng.core.views.csrf_failure"
# Error reports (the DEBUG 500 page, error e-mails) hide DATABASE_URL and every other secret-holding name.
DEFAULT_EXCEPTION_REPORTER_FILTER = "jisheng.core.logfilters.SecretsReporterFilter"

# Login lockout (django-axes): five failures per username and address lock for one hour.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "accounts/locked.html"
AXES_RESET_ON_SUCCESS = True

OTP_TOTP_ISSUER = "Jisheng 计生"

# Content-Security-Policy: no inline script or style, nothing from other origins.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [
    ("zh-hans", "简体中文"),
    ("en", "English"),
    ("zh-hant", "繁體中文"),
]
LOCALE_PATHS = [BASE_DIR / "jisheng" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024

# Background tasks: django-tasks with the database backend; `jisheng db_worker` runs them.
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"strip_query": {"()": "jisheng.core.logfilters.StripQueryString"},
                "mask_personal": {"()": "jisheng.core.logfilters.MaskPersonalData"}},
    "handlers": {
        # search terms leave request lines; any ID number or phone left (an error's text) is masked
        "console": {"class": "logging.StreamHandler", "formatter": "plain",
                    "filters": ["strip_query", "mask_personal"]},
    },
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {
        # Request logs carry paths only: the console handler strips query strings (search terms).
        "django.request": {"level": "WARNING"},
        # runserver's access log: same handler, so query strings are stripped there too.
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "axes": {"level": "WARNING"},
        # WeasyPrint and its font stack log every CSS/font detail at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

JISHENG = {
    # Municipality the installation serves (GB/T 2260 code) and the county-level city of the demo.
    "CITY_CODE": "320500",
    "DEMO_COUNTY_CODE": "320585",
    # Petitions (信访): the area of the municipal commission that receives web and hotline petitions, and the
    # web form's rate limit (submissions per client, window in seconds).
    "PETITIONS_AREA_CODE": "320585",
    "PETITION_WEB_LIMIT": (5, 3600),
    "MODULE_LABELS": {
        "registry": _("人口信息"),
    },
}
