"""The pure core: SOP model, periods, working time, schedules, numbers, capaian.

Nothing here imports Telegram, a database or the wall clock; time is an argument.
"""
