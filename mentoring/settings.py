"""Settings for Mentoring: every value that varies by place is read from the
environment here, and only here (see the configuration table in README.md).

DJANGO_ENV selects the shape: ``development`` (default, embedded SQLite and a
file-system Celery broker so nothing else has to run), ``test`` (used by the
test suite, see ``mentoring.test_settings``) or ``production`` (refuses to start
without a secret key and allowed hosts, and passes ``check --deploy``).
"""

import os
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from mentoring.sso import providers_from_environment

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"  # local state of the embedded defaults; git-ignored

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")  # optional; real environment wins

DJANGO_ENV = env.str("DJANGO_ENV", default="development")
if DJANGO_ENV not in {"development", "test", "production"}:
    raise ImproperlyConfigured(f"DJANGO_ENV must be development, test or production, not {DJANGO_ENV!r}.")
PRODUCTION = DJANGO_ENV == "production"

# --- Core -------------------------------------------------------------------
if PRODUCTION:
    try:
        SECRET_KEY = env.str("DJANGO_SECRET_KEY")
        ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
    except ImproperlyConfigured as exc:
        raise ImproperlyConfigured(
            "Production mode needs DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS in the environment."
        ) from exc
    if len(SECRET_KEY) < 50 or not ALLOWED_HOSTS:
        raise ImproperlyConfigured(
            "Production mode needs a DJANGO_SECRET_KEY of at least 50 characters and at least one host "
            "in DJANGO_ALLOWED_HOSTS."
        )
    DEBUG = False
else:
    SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="insecure-development-key-never-use-in-production")
    ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
    DEBUG = env.bool("DJANGO_DEBUG", default=DJANGO_ENV == "development")

CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",
    "django_htmx",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    # Sign-in with the organisation's identity provider (issue 20): OpenID Connect and SAML 2.0.
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.socialaccount.providers.saml",
    "mentoring",
    "accounts",
    "programs",
    "partnerships",
    "goals",
    "sessions_log",
    "surveys",
    "health",
    "reminders",
    "home",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The switcher's cookie, else the browser's language; then a signed-in
    # person's own (accounts.middleware), once they are known.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.PersonLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # The organisation sign-in pages answer odd requests and an unreachable provider calmly.
    "mentoring.sso_guard.SingleSignOnGuardMiddleware",
    # Ours (mentoring.middleware), once per request so no view can miss them.
    "mentoring.middleware.SignedInPagesNotStoredMiddleware",
    "mentoring.middleware.SessionLifetimeMiddleware",
    "mentoring.middleware.RequireMfaSetupMiddleware",
    "mentoring.middleware.ViewerTimeZoneMiddleware",
    "mentoring.middleware.FormActionPagesMiddleware",
]

ROOT_URLCONF = "mentoring.urls"
WSGI_APPLICATION = "mentoring.wsgi.application"

_template_loaders = [
    "django.template.loaders.filesystem.Loader",
    "django.template.loaders.app_directories.Loader",
]
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "OPTIONS": {
            # Dates and labels inside sentences in the reader's language (mentoring.templatetags).
            "builtins": ["mentoring.templatetags.local_dates", "mentoring.templatetags.in_sentence"],
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
            ],
            # Cached templates everywhere but in development, where edits show at once.
            "loaders": _template_loaders
            if DEBUG
            else [("django.template.loaders.cached.Loader", _template_loaders)],
        },
    }
]
# One form layout for the whole site: error summary on top, errors beside fields.
FORM_RENDERER = "mentoring.forms.SiteFormRenderer"

# --- Data -------------------------------------------------------------------
if not env.str("DATABASE_URL", default=""):
    VAR_DIR.mkdir(exist_ok=True)
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'mentoring.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60 if PRODUCTION else 0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"]["ATOMIC_REQUESTS"] = True  # one transaction per user action
# Parameters bound by the server, and a statement run five times on a
# connection prepared, so PostgreSQL plans it once per connection, not on
# every page: planning a pair page's joins cost more than running them.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env.bool(
    "DJANGO_DB_SERVER_SIDE_BINDING", default=True
):
    DATABASES["default"].setdefault("OPTIONS", {}).update(server_side_binding=True, prepare_threshold=5)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "mentoring.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="mentoring"),
        }
    }
else:
    # Shared by every local process, so login rate limits hold without Redis.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": VAR_DIR / "cache",
        }
    }

# A signed-in person's pages, kept until what they show changes
# (mentoring.page_cache); 0 turns it off. PostgreSQL only.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=60 * 60)

# --- Accounts ---------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home:home"
ACCOUNT_ADAPTER = "programs.sign_up.InvitationOnlyAccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
# The invited address, read-only, and a time zone (accounts.forms).
ACCOUNT_FORMS = {
    "signup": "programs.sign_up.InvitationSignUpForm",
    # The others in our words: sentence-case labels, no placeholders (accounts.forms).
    "login": "accounts.forms.SignInForm",
    "reset_password": "accounts.forms.PasswordResetForm",
    "reset_password_from_key": "accounts.forms.NewPasswordForm",
    "change_password": "accounts.forms.PasswordChangeForm",
    "set_password": "accounts.forms.PasswordSetForm",
    "add_email": "accounts.forms.EmailAddForm",
    "reauthenticate": "accounts.forms.ConfirmItIsYouForm",
}
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = True
ACCOUNT_SESSION_REMEMBER = None  # ask with "Remember me"
# allauth's defaults, stated so they are visible: 5 quick failures per email lock it for 5 minutes.
ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/5m/key"}
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Mentoring] "
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
# Staff and program admins without an authenticator app are sent to set one up
# before anything else (accounts.security, mentoring.middleware).
REQUIRE_MFA_FOR_ADMINS = env.bool("REQUIRE_MFA_FOR_ADMINS", default=PRODUCTION)
# Sign-up is by invitation: a password reset for an unknown address says so and
# links to no sign-up page (templates/account/email/unknown_account_*.txt).
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = True

# Single sign-on with the organisation's identity provider (OpenID Connect,
# SAML 2.0): configured from SSO_OIDC_* and SSO_SAML_* (mentoring.sso, README
# "Single sign-on") or in the admin's Social applications. A first sign-in
# makes the account (accounts.adapter.SocialAccountAdapter); an account with
# the same address is signed in only when the provider has verified it, and
# an address the provider verified counts as verified here.
SOCIALACCOUNT_ADAPTER = "accounts.adapter.SocialAccountAdapter"
SOCIALACCOUNT_PROVIDERS = providers_from_environment(os.environ)
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_EMAIL_REQUIRED = True
SOCIALACCOUNT_QUERY_EMAIL = True
SOCIALACCOUNT_STORE_TOKENS = False
# The sign-in page's buttons post (no sign-in started by a link from elsewhere).
SOCIALACCOUNT_LOGIN_ON_GET = False

# Sessions are read from the cache and written through to the database, so a
# page costs no session query and a cache flush signs nobody out.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# Sessions (OWASP ASVS 4.0 V3.3.2, level 2: at most 12 hours, or 30 minutes idle).
# Staff and program admins see every pair of a program, so theirs are shorter.
# Seconds; enforced by mentoring.middleware.SessionLifetimeMiddleware.
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_TIMEOUT", default=30 * 60)
SESSION_ABSOLUTE_LIFETIME = env.int("SESSION_ABSOLUTE_LIFETIME", default=12 * 60 * 60)
ADMIN_SESSION_IDLE_TIMEOUT = env.int("ADMIN_SESSION_IDLE_TIMEOUT", default=15 * 60)
ADMIN_SESSION_ABSOLUTE_LIFETIME = env.int("ADMIN_SESSION_ABSOLUTE_LIFETIME", default=8 * 60 * 60)
# "Remember me" keeps the cookie no longer than the longest session may last.
SESSION_COOKIE_AGE = max(SESSION_ABSOLUTE_LIFETIME, ADMIN_SESSION_ABSOLUTE_LIFETIME)

# Development prints email to the console; production sends through SMTP.
_email = env.email_url("EMAIL_URL", default="smtp://localhost:25" if PRODUCTION else "consolemail://")
_smtp_options = {
    option: _email[setting]
    for option, setting in [
        ("host", "EMAIL_HOST"),
        ("port", "EMAIL_PORT"),
        ("username", "EMAIL_HOST_USER"),
        ("password", "EMAIL_HOST_PASSWORD"),
        ("use_tls", "EMAIL_USE_TLS"),
        ("use_ssl", "EMAIL_USE_SSL"),
    ]
    if _email.get(setting) not in (None, "")
}
# Seconds an SMTP connection waits for the server before giving up: a wedged
# relay must not hold a worker until the task's time limit (reminders.services).
_smtp_options["timeout"] = env.int("EMAIL_TIMEOUT", default=30)
MAILERS = {
    "default": {
        "BACKEND": _email["EMAIL_BACKEND"],
        "OPTIONS": _smtp_options if _email["EMAIL_BACKEND"].endswith("smtp.EmailBackend") else {},
    }
}
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Mentoring <mentoring@localhost>")
# Absolute links in emails and the calendar link; by default the address `make run` serves (PORT).
SITE_URL = env.str("SITE_URL", default=f"http://127.0.0.1:{env.int('PORT', default=8000)}")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Internationalisation ---------------------------------------------------
# British English is the source; Spanish and German are complete catalogues in
# locale/ (scripts/check_translations.py holds them complete). A person's
# language: their profile's, else the switcher's cookie, else their browser's.
LANGUAGE_CODE = "en-gb"
LANGUAGES = [("en-gb", "English"), ("es", "Español"), ("de", "Deutsch")]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_SECURE = PRODUCTION
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static files -----------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=BASE_DIR / "staticfiles")
WHITENOISE_USE_FINDERS = not PRODUCTION  # no collectstatic needed outside production
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# --- Security ---------------------------------------------------------------
# The same policy in every mode, so a page that breaks it breaks in development.
# No inline scripts anywhere: htmx and our own JS come from /static/.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if PRODUCTION:
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # Behind a proxy that forwards plain HTTP to us, health checks must not be redirected.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# --- Celery -----------------------------------------------------------------
# Without a broker URL, Celery passes messages through files in var/ so that
# `make run` needs no server; with one (redis://…), through Redis.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
if CELERY_BROKER_URL == "filesystem://":
    _broker_dir = VAR_DIR / "celery-broker"
    (_broker_dir / "processed").mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir),
        "data_folder_out": str(_broker_dir),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
else:
    # A task not acknowledged within this time is handed to another worker.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 60 * 60}
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default="") or None
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_TASK_DEFAULT_QUEUE", default="mentoring")
CELERY_TASK_ACKS_LATE = True  # a killed worker's task is redelivered, not lost
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TASK_TIME_LIMIT = 300
# Retries back off up to this many seconds, far under the visibility timeout,
# so a retried task is never also redelivered to a second worker.
CELERY_MAX_RETRY_DELAY = env.int("CELERY_MAX_RETRY_DELAY", default=600)
CELERY_TIMEZONE = "UTC"
# The reminder scan has a queue of its own, and a worker of its own in
# scripts/run.sh and docker-compose.yml, so it never waits behind slow sends.
CELERY_SCAN_QUEUE = env.str("CELERY_SCAN_QUEUE", default=f"{CELERY_TASK_DEFAULT_QUEUE}-scans")
CELERY_TASK_ROUTES = {"reminders.tasks.scan_reminders": {"queue": CELERY_SCAN_QUEUE}}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    "clear-expired-sessions": {
        "task": "accounts.tasks.clear_expired_sessions",
        "schedule": 60 * 60 * 24,
    },
    # Health numbers as of the new day (UTC), before admins start theirs (health.services).
    "refresh-health-numbers": {
        "task": "health.tasks.refresh_health_numbers",
        "schedule": crontab(hour=0, minute=5),
    },
    # Decides and enqueues due reminders; safe to run twice (reminders.services).
    "scan-reminders": {
        "task": "reminders.tasks.scan_reminders",
        "schedule": 5 * 60,
    },
    # Reminds mentors of requests about to expire, then expires those due; each once (programs.services.requests).
    "close-due-requests": {
        "task": "programs.tasks.close_due_requests",
        "schedule": 15 * 60,
    },
}
# A reminder claimed longer ago than this belongs to a dead worker and is sent
# again by the next scan; it must outlast a task's hard time limit.
REMINDER_CLAIM_LEASE = env.int("REMINDER_CLAIM_LEASE", default=CELERY_TASK_TIME_LIMIT + 60)
# A reminder enqueued longer ago than this and still pending lost its message
# (or it sits with a dead worker): the scan enqueues it again. Above the longest retry delay.
REMINDER_REQUEUE_AFTER = env.int("REMINDER_REQUEUE_AFTER", default=15 * 60)
# A failed try comes back after this many seconds, doubling up to CELERY_MAX_RETRY_DELAY.
REMINDER_FIRST_RETRY_DELAY = env.int("REMINDER_FIRST_RETRY_DELAY", default=30)
# While the mail server cannot be reached, a reminder keeps waiting (without
# spending its tries) for this many seconds after it was due to go; then it fails.
REMINDER_RETRY_HORIZON = env.int("REMINDER_RETRY_HORIZON", default=2 * 24 * 60 * 60)

# --- Logging ----------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
}
