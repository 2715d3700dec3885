"""The README's pictures of the reports: one page of each kind, from the current code.

    python docs/img/make_pictures.py

plays the sample organisation's 2026 (SOP 004, TW I-IV, through the real
engine) on a temporary SQLite database, makes the quarterly report (TW III),
the annual LKjIP, the SOP monev (Semester II) and the SOP sheet as PDF exactly
as ``sopbot report``/``monev``/``sop render`` do, and writes one page of each
as PNG at 50 dpi into this folder (pypdfium2, which comes with pdfplumber).
"""

from __future__ import annotations

import sys
import tempfile
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))

WITA = ZoneInfo("Asia/Makassar")
DPI = 50


def main() -> None:
    import pypdfium2 as pdfium

    pdfs = make_pdfs()
    pages = {  # which page shows the kind best
        "laporan-triwulan.png": ("quarterly", 0),
        "lkjip-penutup.png": ("annual", "BAB IV PENUTUP"),
        "monev.png": ("monev", 0),
        "lembar-sop.png": ("sop", -1),
    }
    for name, (kind, which) in pages.items():
        document = pdfium.PdfDocument(pdfs[kind])
        index = which if isinstance(which, int) else _page_with(document, which)
        page = document[index if index >= 0 else len(document) + index]
        page.render(scale=DPI / 72).to_pil().save(HERE / name, optimize=True)
        print(f"{name}: {kind}, page {index + 1 if index >= 0 else len(document)}")


def _page_with(document, text: str) -> int:  # type: ignore[no-untyped-def]
    for index in range(len(document)):
        if text in document[index].get_textpage().get_text_range():
            return index
    raise LookupError(text)


def make_pdfs() -> dict[str, bytes]:
    from bot.definitions import load_catalog
    from bot.domain.periods import Period
    from bot.engine import Engine
    from bot.persistence.db import make_engine
    from bot.persistence.migrate import upgrade
    from bot.persistence.uow import make_uow_factory
    from bot.render.sop_sheet import render_sop_pdf
    from bot.reports.files import produce, render_report
    from bot.reports.monev_collect import collect_monev
    from bot.reports.monev_render import render_monev_pdf
    from bot.simulate.setup import import_sample
    from tests.integration.engine_helpers import Clock
    from tests.integration.seed004_play import SOP, play_quarter

    with tempfile.TemporaryDirectory(prefix="sopbot-pictures-") as work:
        url = f"sqlite:///{work}/pictures.sqlite3"
        upgrade(url)
        db = make_engine(url)
        uow_factory = make_uow_factory(db)
        slug = import_sample(uow_factory)
        catalog = load_catalog([ROOT / "sop_definitions"])
        engine = Engine(uow_factory, catalog)
        for quarter, start in ((1, (2026, 4, 10)), (2, (2026, 7, 10)), (3, (2026, 10, 12))):
            clock = Clock(datetime(*start, 8, 0, tzinfo=WITA))
            play_quarter(engine, uow_factory, slug, f"2026-TW{quarter}", clock)
        clock = Clock(datetime(2027, 1, 11, 8, 0, tzinfo=WITA))
        play_quarter(engine, uow_factory, slug, "2026-TW4", clock)
        with uow_factory() as uow:
            org = uow.orgs.organisation(slug)
            assert org is not None
            org_id = org.id

        def report(period: str, now: datetime) -> bytes:
            made = produce(
                uow_factory,
                catalog,
                organisation_id=org_id,
                sop_id=SOP,
                period=Period.parse(period),
                unit_code=None,
                now=now,
            )
            return render_report(made, "pdf").data

        pdfs = {
            "quarterly": report("2026-TW3", datetime(2026, 10, 19, 10, 0, tzinfo=WITA)),
            "annual": report("2026-TAHUNAN", datetime(2027, 2, 15, 9, 0, tzinfo=WITA)),
            "sop": render_sop_pdf(catalog.get(SOP).definition),
        }
        with uow_factory() as uow:
            org = uow.orgs.organisation(slug)
            monev = collect_monev(
                uow,
                org,
                Period.parse("2026-S2"),
                [SOP],
                as_of=datetime(2027, 1, 20, 9, 0, tzinfo=WITA),
            )
        pdfs["monev"] = render_monev_pdf(monev)
        db.dispose()
        for kind, data in pdfs.items():
            (Path(work).parent / f"sopbot-{kind}.pdf").write_bytes(data)
        return pdfs


if __name__ == "__main__":
    main()
