"""A fake Telegram Bot API server for end-to-end tests, the no-token demo and benchmarks.

See ``README.md`` beside this file. Loopback only.
"""

from .errors import ApiError
from .faults import FaultPlan
from .limits import RateLimits
from .records import Button, CallbackRecord, Entry, StoredFile, StoredMessage
from .server import DEFAULT_TOKEN, FakeBotApi, require_loopback
from .threaded import SyncHandle, ThreadedFakeBotApi
from .users import ChatView, FakeGroup, FakeUser

__all__ = [
    "DEFAULT_TOKEN",
    "ApiError",
    "Button",
    "CallbackRecord",
    "ChatView",
    "Entry",
    "FakeBotApi",
    "FakeGroup",
    "FakeUser",
    "FaultPlan",
    "RateLimits",
    "StoredFile",
    "StoredMessage",
    "SyncHandle",
    "ThreadedFakeBotApi",
    "require_loopback",
]
