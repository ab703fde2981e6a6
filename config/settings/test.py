"""Test settings: SQLite in memory unless DATABASE_URL is set; tasks run immediately; fast hashing."""

import os

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-" + "y" * 50
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
if not os.environ.get("DATABASE_URL"):
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
AXES_ENABLED = True
JISHENG_DEMO_ACCOUNTS = True  # the demo accounts of `jisheng demo` sign in here
