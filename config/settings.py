"""Project settings: read the environment once (django-environ) and name every rule number."""

from pathlib import Path

import environ
import orjson
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
# Without SECRET_KEY, tooling (makemigrations, check, tests) still runs on a known development key; serving
# refuses it unless DEBUG (config/wsgi.py), and `check --deploy` reports it (security.W009).
DEVELOPMENT_SECRET_KEY = "django-insecure-local-only-key-do-not-use-in-production"  # noqa: S105 (public on purpose)
SECRET_KEY = env.str("SECRET_KEY", default=DEVELOPMENT_SECRET_KEY)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI and ReDoc assets, served as our own static files
    "adminsortable2",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.google",
    "allauth.socialaccount.providers.tiktok",
    "allauth.headless",
    "django_celery_beat",
    "config",  # the project package: its management command `health`
    "accounts",
    "audit",
    "courses",
    "exercises",
    "progress",
    "gamification",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "config.exceptions.DebugPagesMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "config.exceptions.JSONNestingMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.UnconfiguredProviderMiddleware",
]

ROOT_URLCONF = "config.urls"
CSRF_FAILURE_VIEW = "config.exceptions.csrf_failure"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
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

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # The answer's lock-and-read statement is prepared once per connection (gamification/answering.py) and should
    # be planned once too: a generic plan for prepared statements. Django prepares nothing else (it binds
    # parameters on the client), so no other query is affected.
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options["options"] = f"{options.get('options', '')} -c plan_cache_mode=force_generic_plan".strip()
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Wait for the writer lock instead of failing at once; SQLite is the zero-setup demo database.
    DATABASES["default"].setdefault("OPTIONS", {}).update({"timeout": 20, "transaction_mode": "IMMEDIATE"})
    DATABASES["default"]["CONN_MAX_AGE"] = 0

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}
# Sessions (also allauth's X-Session-Token sessions) are read from the cache and written through to the
# database, so authenticating a request costs no session query on a cache hit and nothing is lost on a flush.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# The signed-in user's row is cached too (accounts.backends), dropped on every save or delete of it; the timeout only
# bounds how long an unused one lingers (or one written past the ORM, which nothing in the code does).
USER_CACHE_SECONDS = env.int("USER_CACHE_SECONDS", default=10 * 60)
# Learner-facing content (course trees, lessons to play) is cached under the content revision, which database
# triggers bump on every content write; the timeout only bounds how long unused entries linger.
CONTENT_CACHE_SECONDS = env.int("CONTENT_CACHE_SECONDS", default=24 * 60 * 60)
# How many of those each process also keeps in memory (the most recently used), keyed the same way.
CONTENT_CACHE_LOCAL_ENTRIES = env.int("CONTENT_CACHE_LOCAL_ENTRIES", default=32)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
# User.email is unique case-insensitively by a functional unique constraint (Lower(email)),
# which Django's check for a plain unique=True cannot see.
SILENCED_SYSTEM_CHECKS = ["auth.W004"]
AUTHENTICATION_BACKENDS = [
    "accounts.backends.ModelBackend",
    "accounts.backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_HASHERS = env.list(
    "PASSWORD_HASHERS",
    default=[
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    ],
)

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Uploaded media (audio, exercise images): on the local disk by default (`make run` serves them itself), in an
# S3-compatible bucket through django-storages when MEDIA_STORAGE=s3 or a bucket is named (docs/operations.md).
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
MEDIA_STORAGE = env.str("MEDIA_STORAGE", default="s3" if AWS_STORAGE_BUCKET_NAME else "filesystem")
if MEDIA_STORAGE == "filesystem":
    MEDIA_STORAGE_BACKEND = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
elif MEDIA_STORAGE == "s3":
    if not AWS_STORAGE_BUCKET_NAME:
        raise ImproperlyConfigured("MEDIA_STORAGE=s3 needs AWS_STORAGE_BUCKET_NAME.")
    MEDIA_STORAGE_BACKEND = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            # Unset: AWS itself; set for another S3-compatible service (MinIO, R2, Ceph, ...).
            "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("AWS_S3_REGION_NAME", default="") or None,
            # Unset: boto3's own credential chain (AWS_ACCESS_KEY_ID in the environment, an instance role, ...).
            "access_key": env.str("AWS_S3_ACCESS_KEY_ID", default="") or None,
            "secret_key": env.str("AWS_S3_SECRET_ACCESS_KEY", default="") or None,
            "location": env.str("AWS_LOCATION", default=""),
            # A CDN or public host name in front of the bucket: URLs use it (and carry no signature).
            "custom_domain": env.str("AWS_S3_CUSTOM_DOMAIN", default="") or None,
            # Signed URLs for a private bucket. Lesson payloads, URLs included, are cached for up to
            # CONTENT_CACHE_SECONDS, so a signature must outlive the cache (the default adds an hour).
            "querystring_auth": env.bool("AWS_QUERYSTRING_AUTH", default=True),
            "querystring_expire": env.int("AWS_QUERYSTRING_EXPIRE", default=CONTENT_CACHE_SECONDS + 60 * 60),
            "signature_version": env.str("AWS_S3_SIGNATURE_VERSION", default="s3v4"),  # SigV4: at most 7 days
            "file_overwrite": False,  # an upload never replaces another file of the same name
        },
    }
else:
    raise ImproperlyConfigured(f"MEDIA_STORAGE must be 'filesystem' or 's3', not {MEDIA_STORAGE!r}.")
STORAGES = {
    "default": MEDIA_STORAGE_BACKEND,
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# --- Security (production values unless DEBUG) ---------------------------------------------
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REDIRECT_EXEMPT = [r"^health/"]
# Number of reverse proxies in front of the app; the client IP is taken that many hops from the right
# of X-Forwarded-For (0: REMOTE_ADDR only, so a client cannot forge its IP).
PROXY_COUNT = env.int("PROXY_COUNT", default=0)
# Behind a proxy (which must set X-Forwarded-Proto itself, overwriting any the client sent), a request the proxy
# received over https counts as secure. Without one, a client could claim https with that header.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if PROXY_COUNT > 0 else None

# --- django-allauth ------------------------------------------------------------------------
SITE_ID = 1
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*"]
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = False
ACCOUNT_EMAIL_VERIFICATION = env.str("ACCOUNT_EMAIL_VERIFICATION", default="none" if DEBUG else "mandatory")
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = ACCOUNT_EMAIL_VERIFICATION == "mandatory"
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
# How long a re-authentication (allauth's auth/reauthenticate) lets a session delete the account (DELETE me/).
ACCOUNT_REAUTHENTICATION_TIMEOUT = env.int("ACCOUNT_REAUTHENTICATION_TIMEOUT", default=300)
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "accounts.adapters.SocialAccountAdapter"
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
# allauth's defaults, spelled out so operators see them; they need a shared cache (Redis) in production.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": env.str("RATE_LIMIT_LOGIN_FAILED", default="10/m/ip,5/5m/key"),
    "signup": env.str("RATE_LIMIT_SIGNUP", default="20/m/ip"),
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
    "reauthenticate": "10/m/user",
    "confirm_email": "1/3m/key",
}
HEADLESS_ONLY = False
HEADLESS_TOKEN_STRATEGY = "accounts.authentication.SessionTokenStrategy"  # noqa: S105 (a class path)
HEADLESS_CLIENTS = ("browser", "app")
HEADLESS_SERVE_SPECIFICATION = True
FRONTEND_URL = env.str("FRONTEND_URL", default="http://localhost:3000")
HEADLESS_FRONTEND_URLS = {
    "account_confirm_email": f"{FRONTEND_URL}/account/verify-email/{{key}}",
    "account_reset_password": f"{FRONTEND_URL}/account/password/reset",
    "account_reset_password_from_key": f"{FRONTEND_URL}/account/password/reset/key/{{key}}",
    "account_signup": f"{FRONTEND_URL}/account/signup",
    "socialaccount_login_error": f"{FRONTEND_URL}/account/provider/callback",
}
LOGIN_REDIRECT_URL = "/admin/"
# Console under `make run`; production sets EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend and EMAIL_HOST...
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="no-reply@lingo.local")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default=str(BASE_DIR / "sent-emails"))
# The public address of this API, for links in emails that are followed without signing in (unsubscribe).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

GOOGLE_CLIENT_ID = env.str("GOOGLE_CLIENT_ID", default="")
GOOGLE_CLIENT_SECRET = env.str("GOOGLE_CLIENT_SECRET", default="")
TIKTOK_CLIENT_ID = env.str("TIKTOK_CLIENT_ID", default="")
TIKTOK_CLIENT_SECRET = env.str("TIKTOK_CLIENT_SECRET", default="")
TIKTOK_USER_INFO_URL = env.str("TIKTOK_USER_INFO_URL", default="https://open.tiktokapis.com/v2/user/info/")
# A provider without credentials has no app and so is not offered to clients.
SOCIALACCOUNT_PROVIDERS = {
    "google": {
        "APPS": [{"client_id": GOOGLE_CLIENT_ID, "secret": GOOGLE_CLIENT_SECRET}] if GOOGLE_CLIENT_ID else [],
        "SCOPE": ["openid", "profile", "email"],
        "CERTS_URL": env.str("GOOGLE_CERTS_URL", default="https://www.googleapis.com/oauth2/v1/certs"),
    },
    "tiktok": {
        "APPS": [{"client_id": TIKTOK_CLIENT_ID, "secret": TIKTOK_CLIENT_SECRET}] if TIKTOK_CLIENT_ID else [],
        "provider_class": "accounts.social.TikTokProvider",
    },
}

# --- REST framework and OpenAPI -------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.SessionTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # orjson renders the same JSON as DRF's renderer (UTF-8, compact, UTC as "Z") about nine times faster, which
    # counts for the course tree (32 KB for 200 lessons: 0.36 ms against 0.04 ms).
    "DEFAULT_RENDERER_CLASSES": [
        "drf_orjson_renderer.renderers.ORJSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "ORJSON_RENDERER_OPTIONS": (orjson.OPT_UTC_Z, orjson.OPT_NON_STR_KEYS),
    "DEFAULT_PAGINATION_CLASS": "config.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "config.openapi.AutoSchema",
    "DEFAULT_THROTTLE_CLASSES": [
        "config.throttling.AnonRateThrottle",
        "config.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("THROTTLE_ANON", default="120/min"),
        "user": env.str("THROTTLE_USER", default="1200/min"),
    },
    "EXCEPTION_HANDLER": "config.exceptions.exception_handler",
    "NUM_PROXIES": PROXY_COUNT,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Lingo API",
    "DESCRIPTION": "Learner API of the language-learning platform. Authenticate with allauth's "
    "X-Session-Token header (see /_allauth/openapi.html) or the session cookie.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # /api/docs/ and /api/redoc/ load their assets from our static files (drf-spectacular-sidecar), not a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "CefrLevelEnum": "courses.models.Course.Cefr",
        "LessonSessionStatusEnum": "progress.models.LessonSession.Status",
        "SessionKindEnum": "progress.models.LessonSession.Kind",
        "PracticeKindEnum": "progress.models.PRACTICE_KINDS",
        "AchievementKindEnum": "gamification.models.Achievement.Kind",
        "QuestKindEnum": "gamification.models.QuestTemplate.Kind",
        "ExerciseTypeCodeEnum": "exercises.models.ExerciseTypeCode",
        "FeedbackCodeEnum": "exercises.api.serializers.FEEDBACK_CODES",
    },
}

# --- Learning rules (every number is a setting) ---------------------------------------------
HEARTS_MAX = env.int("HEARTS_MAX", default=5)
HEART_REGEN_SECONDS = env.int("HEART_REGEN_SECONDS", default=4 * 60 * 60)
PERFECT_LESSON_BONUS_XP = env.int("PERFECT_LESSON_BONUS_XP", default=5)
STREAK_FREEZE_MAX = env.int("STREAK_FREEZE_MAX", default=2)
SESSION_IDLE_ABANDON_SECONDS = env.int("SESSION_IDLE_ABANDON_SECONDS", default=60 * 60)
IDEMPOTENCY_KEY_TTL_SECONDS = env.int("IDEMPOTENCY_KEY_TTL_SECONDS", default=24 * 60 * 60)
# Offline play: answers in one batch at most, and how far a client's clock may be off (answered_at's bounds).
OFFLINE_BATCH_MAX_ANSWERS = env.int("OFFLINE_BATCH_MAX_ANSWERS", default=50)
OFFLINE_CLOCK_SKEW_SECONDS = env.int("OFFLINE_CLOCK_SKEW_SECONDS", default=60)
# A freeze is earned on every STREAK_FREEZE_EARN_DAYS-th day of a streak (0: never), up to STREAK_FREEZE_MAX.
STREAK_FREEZE_EARN_DAYS = env.int("STREAK_FREEZE_EARN_DAYS", default=7)
STREAK_FREEZE_INITIAL = env.int("STREAK_FREEZE_INITIAL", default=0)
# Grading: a one-letter typo is forgiven only in words of at least this many letters.
GRADING_TYPO_MIN_WORD_LENGTH = env.int("GRADING_TYPO_MIN_WORD_LENGTH", default=4)

# --- Practice (docs/practice.md) -------------------------------------------------------------
# FSRS schedules each exercise for when its predicted recall falls to this share (a learner may set 0.80-0.97).
PRACTICE_DESIRED_RETENTION = env.float("PRACTICE_DESIRED_RETENTION", default=0.9)
PRACTICE_MAXIMUM_INTERVAL_DAYS = env.int("PRACTICE_MAXIMUM_INTERVAL_DAYS", default=365)
# A right answer (no typo, no missing accent) faster than its type's time, in ms, is rated Easy.
PRACTICE_EASY_MS = env.dict(
    "PRACTICE_EASY_MS",
    cast={"value": int},
    default={
        "multiple_choice": 4000,
        "match_pairs": 10000,
        "translate": 8000,
        "listen": 8000,
        "speak": 6000,
        "fill_blank": 6000,
        "sort_words": 8000,
    },
)
# A completed practice session's XP: the first of the learner's day, the second, and 0 after.
PRACTICE_XP_FIRST = env.int("PRACTICE_XP_FIRST", default=10)
PRACTICE_XP_SECOND = env.int("PRACTICE_XP_SECOND", default=5)
PRACTICE_SIZE_MIN = env.int("PRACTICE_SIZE_MIN", default=5)
PRACTICE_SIZE_MAX = env.int("PRACTICE_SIZE_MAX", default=20)
# How many of the weakest items me/practice/ lists.
PRACTICE_WEAKEST_ITEMS = env.int("PRACTICE_WEAKEST_ITEMS", default=20)

# --- Leagues, quests, reminders (docs/engagement.md) -----------------------------------------
# League weeks are UTC weeks starting on LEAGUE_WEEK_START_WEEKDAY (0 = Monday) at LEAGUE_WEEK_START_HOUR.
LEAGUE_WEEK_START_WEEKDAY = env.int("LEAGUE_WEEK_START_WEEKDAY", default=0)
LEAGUE_WEEK_START_HOUR = env.int("LEAGUE_WEEK_START_HOUR", default=0)
LEAGUE_COHORT_SIZE = env.int("LEAGUE_COHORT_SIZE", default=30)
# Learners whose league results the rollover applies (tier reached, achievements) in one transaction.
LEAGUE_ROLLOVER_BATCH = env.int("LEAGUE_ROLLOVER_BATCH", default=200)
QUESTS_PER_DAY = env.int("QUESTS_PER_DAY", default=3)
# Practice-session quests (a completed practice counts, docs/practice.md); off leaves them out of the daily draw.
QUEST_PRACTICE_ENABLED = env.bool("QUEST_PRACTICE_ENABLED", default=True)
REMINDER_BATCH_SIZE = env.int("REMINDER_BATCH_SIZE", default=200)
# A reminder whose send failed is tried again on the next runs, up to this many attempts in all.
REMINDER_MAX_ATTEMPTS = env.int("REMINDER_MAX_ATTEMPTS", default=3)
# How often beat runs the periodic tasks (the default schedules; operators edit them in the admin).
REMINDER_TASK_EVERY_MINUTES = env.int("REMINDER_TASK_EVERY_MINUTES", default=5)
LEAGUE_ROLLOVER_TASK_EVERY_MINUTES = env.int("LEAGUE_ROLLOVER_TASK_EVERY_MINUTES", default=15)

# --- Background work (docs/background-work.md) ---------------------------------------------
# Without a broker (`make run`, tests) tasks run in the calling process, at once.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default="") or None
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
CELERY_ENABLE_UTC = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Transient errors (database, broker) are retried with exponential backoff up to this many times.
TASK_MAX_RETRIES = env.int("TASK_MAX_RETRIES", default=5)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
