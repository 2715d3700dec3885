"""Webhook delivery: POST each pending update to the bot's URL, in order, with retries.

Telegram delivers one update after another and keeps an update until the bot
answers 2xx. This fake retries a few times with a short back-off and then
drops the update (counted in ``stats.webhook_failures`` and reported by
``getWebhookInfo``), so a broken receiver cannot wedge a test forever. The
fault ``deliver_twice`` posts a delivered update once more (counted in
``stats.webhook_repeats``).
"""

from __future__ import annotations

import asyncio
import contextlib
import json

import aiohttp

from .state import BotState

_TIMEOUT = aiohttp.ClientTimeout(total=10)


async def _post_once(session: aiohttp.ClientSession, bot: BotState, body: bytes) -> str | None:
    """``None`` on success, else the error text Telegram would show in getWebhookInfo."""
    hook = bot.webhook
    if hook is None:
        return None
    headers = {"Content-Type": "application/json"}
    if hook.secret_token:
        headers["X-Telegram-Bot-Api-Secret-Token"] = hook.secret_token
    try:
        async with session.post(hook.url, data=body, headers=headers, timeout=_TIMEOUT) as resp:
            await resp.read()
            if 200 <= resp.status < 300:
                return None
            return f"Wrong response from the webhook: {resp.status} {resp.reason}"
    except (aiohttp.ClientError, TimeoutError) as exc:
        return f"Connection failed: {exc.__class__.__name__}"


async def deliver_forever(bot: BotState, session: aiohttp.ClientSession, retries: int) -> None:
    """Run while a webhook is set; the server starts it on ``setWebhook``."""
    while bot.webhook is not None and not bot.closing:
        if not bot.updates:
            event = bot.update_pulse.current()
            await event.wait()
            continue
        update_id, update = bot.updates[0]
        body = json.dumps(update).encode()
        error: str | None = None
        for attempt in range(retries + 1):
            error = await _post_once(session, bot, body)
            if error is None or bot.webhook is None or bot.closing:
                break
            await asyncio.sleep(0.05 * 2**attempt)
        if bot.webhook is not None and error is not None:
            bot.webhook.last_error_date = bot.now()
            bot.webhook.last_error_message = error
            bot.stats.webhook_failures += 1
        elif error is None:
            bot.stats.webhook_deliveries += 1
            if bot.faults.take_repeat(update):
                await _post_once(session, bot, body)  # Telegram's retry after a lost answer
                bot.stats.webhook_repeats += 1
        if bot.updates and bot.updates[0][0] == update_id:
            bot.updates.popleft()


async def stop_delivery(task: asyncio.Task[None] | None) -> None:
    """Cancel a delivery loop and wait for it."""
    if task is not None and not task.done():
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
