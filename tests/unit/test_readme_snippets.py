"""The README's organisation-file snippet works as shown (pasted into the sample file)."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from bot.imports.org_file import read_org_file
from bot.imports.problems import Problems

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "examples" / "sample_org" / "organisation.yaml"


def _pengawasan_snippet() -> dict:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    [block] = [b for b in re.findall(r"```yaml\n(.*?)```", readme, flags=re.S) if "pengawasan" in b]
    return yaml.safe_load(block)


def _merge(into: dict, extra: dict) -> dict:
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            _merge(into[key], value)
        else:
            into[key] = value
    return into


def test_the_pengawasan_snippet_imports_as_shown(tmp_path: Path) -> None:
    snippet = _pengawasan_snippet()
    sample = yaml.safe_load(SAMPLE.read_text(encoding="utf-8"))
    path = tmp_path / "organisation.yaml"
    (tmp_path / "logo-contoh.png").write_bytes((SAMPLE.parent / "logo-contoh.png").read_bytes())
    path.write_text(yaml.safe_dump(_merge(sample, snippet), allow_unicode=True), "utf-8")
    problems = Problems()
    read = read_org_file(path, problems)
    assert problems.items == []
    assert read.org is not None
    assert read.org.values["oversight_policy"]["timeliness_days"] == 10
