"""The application layer: the use cases the bot, the scheduler and the CLI call.

Each use case takes the process's ``Services`` (or a unit of work) and plain
values, runs in one unit of work, and returns plain data for the caller to show.
Nothing here imports Telegram: handlers translate an update into one call here
and the result into a reply.

- ``context``: ``Services`` (unit-of-work factory, catalog, engine, clock).
- ``members``: who is writing (a Telegram account linked to a person).
- ``onboarding``: redeeming an invite.
- ``groups``: registering the office group for the board.
- ``status``: /status, the runs of a member's organisation and their timeliness.
- ``report_menu``: what /laporan offers a member.
- ``board``: planning the pinned group boards and recording what was sent.
- ``notifications``, ``reminding``, ``reachability``: whom to tell what, when.
"""
