"""Settings: one file, driven by environment variables, zero configuration means SQLite.

Every variable is read through ``xeploai.lib.env``, which raises ``ImproperlyConfigured`` on a
value it cannot understand instead of guessing. The variables are documented in README.md.
"""

from pathlib import Path

from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from xeploai.lib import env

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(env.string("XEPLOAI_DATA_DIR", "var")).resolve()

ENVIRONMENT = env.choice("XEPLOAI_ENV", ("development", "production"), "development")
PRODUCTION = ENVIRONMENT == "production"
DEBUG = env.boolean("XEPLOAI_DEBUG", not PRODUCTION)
if PRODUCTION and DEBUG:
    raise env.SettingError("XEPLOAI_DEBUG: không được bật khi XEPLOAI_ENV=production.")

# Production refuses to start without its own key; development uses a fixed, public one.
SECRET_KEY = env.secret_key("XEPLOAI_SECRET_KEY", required=PRODUCTION)
ALLOWED_HOSTS = env.string_list(
    "XEPLOAI_ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env.string_list("XEPLOAI_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    # our apps first, so that their management commands and templates take precedence
    "xeploai.audit",
    "xeploai.org",
    "xeploai.cycles",
    "xeploai.reviews",
    "xeploai.ballots",
    "xeploai.reports",
    "xeploai.imports",
    "xeploai.checker",
    "xeploai.jobs",
    "xeploai.seed",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # below WhiteNoise: static files keep their cache; every other response is no-store
    "xeploai.lib.caching.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "xeploai.lib.language.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
]

ROOT_URLCONF = "xeploai.urls"
# Inputs, text areas and selects written in Python, the same HTML as Django's templates
# (xeploai/lib/widgets.py: a third of a self-review page's CPU went to them)
FORM_RENDERER = "xeploai.lib.widgets.Renderer"
WSGI_APPLICATION = "xeploai.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "xeploai.cycles.context.notices",
                "xeploai.org.context.navigation",
            ],
            "builtins": ["xeploai.lib.templatetags.xeploai"],
        },
    },
]

DATABASES = {"default": env.database("DATABASE_URL", f"sqlite:///{DATA_DIR / 'xeploai.sqlite3'}")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "xeploai.lib.passwords.MinimumLengthValidator"},  # its refusal in Vietnamese
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
# Every way to log in goes through the login throttle (xeploai/lib/auth.py).
AUTHENTICATION_BACKENDS = ["xeploai.lib.auth.ThrottledModelBackend"]
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Vietnamese by default, English on request; all datetimes aware, shown in Vietnam's time.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# Production serves collected files (``xeploai collectstatic``); development reads the apps'.
STATIC_ROOT = DATA_DIR / "static" if PRODUCTION else None
WHITENOISE_USE_FINDERS = not PRODUCTION
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "media/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# 50 MB as the docs say it (10⁶ bytes, not 2²⁰: 50 MiB showed as "tối đa 52 MB"); nginx's
# client_max_body_size 50m (50 MiB) leaves room above it for the form's own bytes.
UPLOAD_MAX_BYTES = env.integer("XEPLOAI_UPLOAD_MAX_BYTES", 50 * 10**6)
# Imports (docs/imports.md): a larger file is refused with one clear message.
IMPORT_MAX_ROWS = env.integer("XEPLOAI_IMPORT_MAX_ROWS", 300_000)
# The offline checker (docs/rules.md): a sheet with more rows is refused before it is read.
CHECK_MAX_ROWS = env.integer("XEPLOAI_CHECK_MAX_ROWS", 300_000)
# Every sheet read (imports, check, web), measured in the zip before it is loaded
# (xeploai/lib/sheets.py): columns, rows × columns of its range, bytes of the unzipped workbook.
SHEET_MAX_COLUMNS = env.integer("XEPLOAI_SHEET_MAX_COLUMNS", 200)
SHEET_MAX_CELLS = env.integer("XEPLOAI_SHEET_MAX_CELLS", 5_000_000)
SHEET_MAX_INFLATED_BYTES = env.integer("XEPLOAI_SHEET_MAX_INFLATED_BYTES", 300_000_000)
# Background jobs (docs/decisions/0003-job-table.md): inline = a thread of the web process runs
# them (zero set-up); otherwise `xeploai worker` does.
INLINE_JOBS = env.boolean("XEPLOAI_INLINE_JOBS", not PRODUCTION)

EMAIL_BACKEND = env.string(
    "XEPLOAI_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
DEFAULT_FROM_EMAIL = env.string("XEPLOAI_FROM_EMAIL", "xeploai@localhost")

# Secret ballots: the paper count is keyed twice by two different accounts; a one-person office
# may let one person key both (the two keyings still have to agree).
BALLOT_ONE_KEYER = env.boolean("XEPLOAI_BALLOT_ONE_KEYER", False)
# The address voters' phones open from the QR codes on the code slips (e.g.
# https://xeploai.example.vn); empty: the address the slips were printed from.
PUBLIC_URL = env.string("XEPLOAI_PUBLIC_URL", "").rstrip("/")
if PUBLIC_URL and not PUBLIC_URL.startswith(("http://", "https://")):
    raise env.SettingError("XEPLOAI_PUBLIC_URL: phải bắt đầu bằng http:// hoặc https://.")

# Strict Content-Security-Policy: nothing inline, nothing from outside.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
# Django's database sessions, read by a statement written once per process (lib/sessions.py)
SESSION_ENGINE = "xeploai.lib.sessions"
SESSION_COOKIE_AGE = env.integer("XEPLOAI_SESSION_SECONDS", 8 * 3600)
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env.boolean("XEPLOAI_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env.integer("XEPLOAI_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.string("XEPLOAI_LOG_LEVEL", "WARNING")},
}

# Login throttling: after this many failures for one username or address, wait this long.
LOGIN_FAILURE_LIMIT = env.integer("XEPLOAI_LOGIN_FAILURE_LIMIT", 5)
LOGIN_LOCKOUT_SECONDS = env.integer("XEPLOAI_LOGIN_LOCKOUT_SECONDS", 15 * 60)
# Failures from one client address before it is refused too (an office behind one NAT shares it).
LOGIN_ADDRESS_FAILURE_LIMIT = env.integer("XEPLOAI_LOGIN_ADDRESS_FAILURE_LIMIT", 50)
# How many reverse proxies stand in front of the app (0: it faces the users; REMOTE_ADDR is read).
TRUSTED_PROXIES = env.integer("XEPLOAI_TRUSTED_PROXIES", 0)
# A proxy's X-Forwarded-Proto says whether the user came over HTTPS. With no proxy in front,
# the header is whatever the client wrote, and believing it would skip the SSL redirect.
if TRUSTED_PROXIES > 0:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
