"""Performance reports (quarterly, semester, annual) and the SOP compliance (monev) report.

:mod:`bot.reports.model` says what a report contains, :mod:`bot.reports.build`
computes it from plain facts, :mod:`bot.reports.collect` reads the facts from
the database; the formats (:mod:`bot.reports.xlsx`, :mod:`bot.reports.html`,
:mod:`bot.reports.chart`) only draw.
"""
