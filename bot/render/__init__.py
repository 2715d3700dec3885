"""Drawing things for people: messages (:mod:`bot.render.texts`), the SOP sheet
(:mod:`bot.render.sop_sheet`), and the report files' pieces.

Every renderer goes through :func:`bot.render.jinja.template_env`, so all of
them share one autoescaping, strict Jinja2 configuration. Nothing is imported
here: the bot imports ``bot.render.texts`` for its messages, and the sheet's
modules load only where a sheet is drawn.
"""
