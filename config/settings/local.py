"""Developer and demo settings: embedded SQLite, DEBUG on, a throw-away secret."""

import os

from .base import *  # noqa: F403
from .base import VAR_DIR

DEBUG = True
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or "local-only-" + "x" * 50
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
JISHENG_DEMO_ACCOUNTS = True  # the demo accounts of `jisheng demo` sign in here
VAR_DIR.mkdir(parents=True, exist_ok=True)
