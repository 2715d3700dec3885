"""A running sopbot on a fresh database with the sample organisation, against a given Bot API.

Used by ``sopbot simulate`` and by the end-to-end tests: the real Application,
real handlers and a clock the caller moves.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path

from telegram.ext import AIORateLimiter, Application

from bot.app import build_application
from bot.definitions import load_catalog
from bot.engine import Engine
from bot.imports.org_file import read_org_file
from bot.imports.org_import import import_org
from bot.imports.problems import Problems
from bot.imports.targets_import import import_targets
from bot.persistence.db import make_engine
from bot.persistence.migrate import upgrade
from bot.persistence.uow import UowFactory, make_uow_factory
from bot.reports.worker import ReportMaker
from bot.services.context import Services
from bot.settings import Settings, get_settings

SAMPLE_SLUG = "contoh-kesbangpol-jeneponto"
_REPO = Path(__file__).resolve().parents[2]


def sample_dir() -> Path:
    """``examples/sample_org`` in the working directory, else beside the source tree."""
    local = Path.cwd() / "examples" / "sample_org"
    return local if local.is_dir() else _REPO / "examples" / "sample_org"


def import_sample(uow_factory: UowFactory) -> str:
    """The sample organisation and its 2026 targets; returns its slug."""
    problems = Problems()
    data = read_org_file(sample_dir() / "organisation.yaml", problems)
    problems.raise_if_any()
    with uow_factory() as uow:
        import_org(uow, data, None)
        uow.commit()
    with uow_factory() as uow:
        org = uow.orgs.organisation(SAMPLE_SLUG)
        assert org is not None
        import_targets(uow, sample_dir() / "targets_2026.xlsx", org)
        uow.commit()
    return SAMPLE_SLUG


def open_sample_services(workdir: Path, clock: Callable[[], datetime]) -> Services:
    """A new SQLite database in ``workdir``, migrated, with the sample organisation."""
    url = f"sqlite:///{workdir / 'sopbot.sqlite3'}"
    upgrade(url)
    db = make_engine(url)
    uow_factory = make_uow_factory(db)
    import_sample(uow_factory)
    catalog = load_catalog([get_settings().definitions_dir])
    engine = Engine(uow_factory, catalog)
    reports = ReportMaker(workdir / "laporan")  # its own file cache, not the machine's
    return Services(uow_factory, catalog, engine, db=db, clock=clock, reports=reports)


@asynccontextmanager
async def running_bot(
    api_url: str,
    token: str,
    services: Services,
    *,
    poll_timeout: int = 5,
    rate_limiter: AIORateLimiter | None = None,
) -> AsyncIterator[Application]:
    """The real Application polling ``api_url``, started and stopped cleanly."""
    settings = Settings(TELEGRAM_BOT_TOKEN=token, TELEGRAM_API_BASE_URL=api_url)
    application = build_application(
        settings, services=services, background_jobs=False, rate_limiter=rate_limiter
    )
    assert application.updater is not None
    await application.initialize()
    await application.start()
    await application.updater.start_polling(poll_interval=0, timeout=poll_timeout)
    try:
        yield application
    finally:
        await application.updater.stop()
        await application.stop()
        await application.shutdown()
