"""Handles on chats and users: play a user, and wait for the bot without sleeping.

``await u.send_text("hi")`` queues the update the bot will poll;
``await u.wait_for_message()`` returns as soon as the bot answered, woken by
the chat's pulse. Every coroutine runs on the server's loop (the state's only
writer) through the control's runner, so handles work from any loop.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from . import shapes
from .messaging import document_json, photo_json
from .records import CallbackRecord, Entry, StoredMessage
from .state import ChatState

if TYPE_CHECKING:
    from .control import BotControl

JSON = dict[str, Any]


async def _wait(
    pulse_owner: ChatState,
    ready: Callable[[], Any],
    timeout: float,
    what: str,
    recheck: float | None = None,
) -> Any:
    """Return ``ready()`` as soon as it is truthy, woken by the chat's pulse.

    ``recheck`` also re-evaluates every so often, for conditions on state the
    pulse does not cover (e.g. a list the bot's handler appends to).
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        event = pulse_owner.pulse.current()
        result = ready()
        if result:
            return result
        remaining = deadline - loop.time()
        if remaining <= 0:
            raise TimeoutError(f"{what} within {timeout}s")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(event.wait(), min(remaining, recheck or remaining))


class ChatView:
    """What one chat shows: the bot's messages, with a cursor for "new" ones."""

    def __init__(self, control: BotControl, chat: ChatState) -> None:
        self._control = control
        self._chat = chat
        self._cursor = len(chat.bot_messages)

    @property
    def id(self) -> int:
        return self._chat.id

    @property
    def chat(self) -> ChatState:
        return self._chat

    def messages(self) -> list[StoredMessage]:
        """Everything the bot sent here, oldest first (deleted ones too, flagged)."""
        return list(self._chat.bot_messages)

    def last_message(self) -> StoredMessage | None:
        return self._chat.bot_messages[-1] if self._chat.bot_messages else None

    def transcript(self) -> list[Entry]:
        return self._control.transcript(self.id)

    @property
    def pinned(self) -> list[int]:
        return list(self._chat.pinned)

    def _mark_seen(self) -> None:
        self._cursor = len(self._chat.bot_messages)

    async def wait_for_message(
        self,
        predicate: Callable[[StoredMessage], bool] | None = None,
        timeout: float = 5.0,
    ) -> StoredMessage:
        """The next bot message after the last one returned (or after our last send).

        Messages that do not match ``predicate`` are skipped.
        """

        def next_match() -> StoredMessage | None:
            sent = self._chat.bot_messages
            while self._cursor < len(sent):
                msg = sent[self._cursor]
                self._cursor += 1
                if predicate is None or predicate(msg):
                    return msg
            return None

        what = f"the bot sent no new message to chat {self.id}; last: {self._last_text()!r}"
        return await self._control.run(_wait(self._chat, next_match, timeout, what))

    async def wait_for_edit(
        self, message: StoredMessage, timeout: float = 5.0, edits: int | None = None
    ) -> StoredMessage:
        """Wait until ``message`` has ``edits`` edits (default: one more than now)."""
        target = len(message.history) + 1 if edits is None else edits
        what = f"message {message.message_id} in chat {self.id} was not edited"
        ready = lambda: message if len(message.history) >= target else None  # noqa: E731
        return await self._control.run(_wait(self._chat, ready, timeout, what))

    async def wait_until(self, condition: Callable[[], Any], timeout: float = 5.0) -> Any:
        """Wait for any condition: woken by each bot action in this chat, and checked
        every 20 ms besides (the condition may depend on state outside the fake)."""
        what = f"condition on chat {self.id} not met"
        return await self._control.run(_wait(self._chat, condition, timeout, what, 0.02))

    async def wait_answered(self, query: CallbackRecord, timeout: float = 5.0) -> CallbackRecord:
        """Wait until the bot answered a button press (``answerCallbackQuery``)."""
        what = f"callback query {query.query_id} was not answered"
        ready = lambda: query if query.answered else None  # noqa: E731
        return await self._control.run(_wait(self._chat, ready, timeout, what))

    def _last_text(self) -> str | None:
        last = self.last_message()
        return last.text if last else None


class FakeGroup(ChatView):
    """A group chat; users write in it with ``u.send_text(..., chat=group)``."""

    async def remove_bot(self) -> None:
        """A member removes the bot: sends, edits and pins there now fail with 403."""

        async def commit() -> None:
            self._chat.status = "kicked"
            self._chat.pulse.fire()

        await self._control.run(commit())

    async def delete(self, message: StoredMessage) -> None:
        """A group admin deletes a message: editing it is "message to edit not found"."""

        async def commit() -> None:
            message.deleted = True
            if message.message_id in self._chat.pinned:
                self._chat.pinned.remove(message.message_id)
            self._chat.pulse.fire()

        await self._control.run(commit())


class FakeUser(ChatView):
    """A Telegram user and their private chat with the bot."""

    def __init__(self, control: BotControl, chat: ChatState, user: JSON) -> None:
        super().__init__(control, chat)
        self.user = user

    @property
    def user_id(self) -> int:
        return self.user["id"]

    async def _post(
        self, chat: ChatView | None, kind: str, fields: Callable[[], JSON]
    ) -> StoredMessage:
        """Store the user's message and queue its update, on the server's loop."""
        view = chat or self

        async def commit() -> StoredMessage:
            state = self._control.state
            if view is self:
                self._chat.started = True
                if self._chat.status == "blocked":  # writing again = "Restart bot"
                    self._control.set_status(self, "active")
            msg = view.chat.add(False, kind, self.user, state.now(), **fields())
            view._mark_seen()
            state.push_update("message", msg.json)
            return msg

        return await self._control.run(commit())

    async def send_text(
        self, text: str, *, chat: ChatView | None = None, reply_to: StoredMessage | None = None
    ) -> StoredMessage:
        """The user types ``text`` (in their private chat, or in ``chat``)."""
        reply = None
        if reply_to is not None:
            reply = {k: v for k, v in reply_to.json.items() if k != "reply_to_message"}
        return await self._post(chat, "text", lambda: {"text": text, "reply_to_message": reply})

    async def send_command(
        self, command: str, *args: str, chat: ChatView | None = None, mention: bool = False
    ) -> StoredMessage:
        """``/command arg...`` with the ``bot_command`` entity CommandHandler needs."""
        head = command if command.startswith("/") else f"/{command}"
        if mention:
            head += f"@{self._control.state.me['username']}"
        text = " ".join([head, *args])
        entities = [shapes.command_entity(head)]
        return await self._post(chat, "command", lambda: {"text": text, "entities": entities})

    async def send_photo(
        self, content: bytes, caption: str | None = None, *, chat: ChatView | None = None
    ) -> StoredMessage:
        """A photo (stored, so the bot can ``getFile`` and download it)."""
        state = self._control.state

        def fields() -> JSON:
            stored = state.store_file(content, "photos", "photo.jpg", "image/jpeg")
            return {"photo": photo_json(state, stored), "caption": caption}

        return await self._post(chat, "photo", fields)

    async def send_document(
        self,
        content: bytes,
        file_name: str = "document.bin",
        mime_type: str = "application/octet-stream",
        caption: str | None = None,
        *,
        chat: ChatView | None = None,
    ) -> StoredMessage:
        state = self._control.state

        def fields() -> JSON:
            stored = state.store_file(content, "documents", file_name, mime_type)
            return {"document": document_json(stored), "caption": caption}

        return await self._post(chat, "document", fields)

    async def press(
        self,
        message: StoredMessage,
        button: str,
        *,
        chat: ChatView | None = None,
        force: bool = False,
    ) -> CallbackRecord:
        """Press an inline button by its text or callback data.

        The message must exist and still carry that button, else ``LookupError``
        (a test mistake). ``force=True`` sends ``button`` as data regardless,
        which is how a stale keyboard on a slow client behaves.
        """
        view = chat or self
        state = self._control.state

        async def commit() -> CallbackRecord:
            live = view.chat.messages.get(message.message_id)
            if live is None or live.deleted or not live.from_bot:
                raise LookupError(f"no bot message {message.message_id} in chat {view.id}")
            found = live.find_button(button)
            if found is None and not force:
                texts = [b.text for row in live.buttons for b in row]
                raise LookupError(f"message {live.message_id} has no button {button!r}: {texts}")
            data = found.callback_data if found else button
            if data is None:
                raise LookupError(f"button {button!r} carries no callback data")
            label = found.text if found else button
            record = CallbackRecord(
                state.new_query_id(),
                view.id,
                live.message_id,
                self.user_id,
                data,
                label,
                date=state.now(),
            )
            state.callbacks[record.query_id] = record
            view._mark_seen()
            payload = shapes.callback_query(
                record.query_id, self.user, live.json, data, f"ci{view.id}"
            )
            state.push_update("callback_query", payload)
            return record

        return await self._control.run(commit())

    async def block(self) -> None:
        """The user blocks the bot: sends now fail with 403, and the bot gets ``my_chat_member``."""
        await self._control.run(self._set_status("blocked"))

    async def unblock(self) -> None:
        await self._control.run(self._set_status("active"))

    async def deactivate(self) -> None:
        """The account is deleted: sends fail with 403 "user is deactivated"."""
        await self._control.run(self._set_status("deactivated"))

    async def _set_status(self, status: str) -> None:
        self._control.set_status(self, status)
