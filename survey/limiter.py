"""The app's one Flask-Limiter; each area declares its own limits with it."""

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

# A moving window: no burst of twice the limit around the edge of a fixed window.
limiter = Limiter(key_func=get_remote_address, strategy="moving-window")
