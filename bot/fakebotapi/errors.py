"""Telegram's error answers, as one exception type the HTTP layer turns into JSON.

Every failure a bot meets in production has a fixed status code and a fixed
description; keeping them in one place means the fake answers exactly what
Telegram answers, and tests can match on the same strings PTB surfaces.
"""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """A Bot API error answer: ``{"ok": false, "error_code": ..., "description": ...}``."""

    def __init__(
        self, status: int, description: str, parameters: dict[str, Any] | None = None
    ) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters

    def payload(self) -> dict[str, Any]:
        """The JSON body Telegram sends with this error."""
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.status,
            "description": self.description,
        }
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def bad_request(detail: str) -> ApiError:
    """400 with Telegram's ``Bad Request: `` prefix (PTB strips it and capitalises the rest)."""
    return ApiError(400, f"Bad Request: {detail}")


def forbidden(detail: str) -> ApiError:
    """403, e.g. a user who blocked the bot."""
    return ApiError(403, f"Forbidden: {detail}")


def too_many_requests(retry_after: int) -> ApiError:
    """429 with ``parameters.retry_after``; PTB raises ``RetryAfter`` from the parameter."""
    return ApiError(
        429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after}
    )


def not_found() -> ApiError:
    """What api.telegram.org answers for an unknown method or a malformed token."""
    return ApiError(404, "Not Found")


def conflict(detail: str) -> ApiError:
    """409: a webhook is set, or another getUpdates call took over."""
    return ApiError(409, f"Conflict: {detail}")


CHAT_NOT_FOUND = "chat not found"
BLOCKED = "bot was blocked by the user"
DEACTIVATED = "user is deactivated"
KICKED = "bot was kicked from the group chat"
CANT_INITIATE = "bot can't initiate conversation with a user"
TEXT_TOO_LONG = "message is too long"
TEXT_EMPTY = "message text is empty"
CAPTION_TOO_LONG = "message caption is too long"
BUTTON_DATA_INVALID = "BUTTON_DATA_INVALID"
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)
EDIT_NOT_FOUND = "message to edit not found"
DELETE_NOT_FOUND = "message to delete not found"
CANT_EDIT = "message can't be edited"
QUERY_INVALID = "query is too old and response timeout expired or query ID is invalid"
WEBHOOK_ACTIVE = (
    "can't use getUpdates method while webhook is active; use deleteWebhook to delete "
    "the webhook first"
)
OTHER_POLLER = (
    "terminated by other getUpdates request; make sure that only one bot instance is running"
)
