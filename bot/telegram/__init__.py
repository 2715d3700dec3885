"""The Telegram side's own parts that are not handlers: services, texts, keyboards.

Handlers live in the top-level ``handlers`` package; the application is
assembled in ``bot.app``.
"""
