"""The container image's size: the whole image and what it adds to its base.

Reads the local Docker daemon (``docker image inspect``); the image is built by
``.ci/container`` (``../shared/tools/local-images.sh . sopbot``), not here.
Target (issue 18): the layers above ``python:3.11-slim`` (the dependencies,
the package, the SOP definitions) under 200 MB. The base there is a Debian
stand-in for the official image, so the total is an estimate; the layers above
it are what the Dockerfile installs.

``python -m bench.image --check`` prints the figures and exits 1 when the
target is missed (``.ci/container`` runs it).
"""

from __future__ import annotations

import shutil
import subprocess
import sys

from bench.common import Figure

IMAGE = "sopbot:latest"
BASE = "python:3.11-slim"
LAYERS_TARGET_MB = 200.0


def image_bytes(name: str) -> int | None:
    """The image's size in bytes, or None when Docker or the image is not there."""
    if shutil.which("docker") is None:
        return None
    done = subprocess.run(
        ["docker", "image", "inspect", name, "--format", "{{.Size}}"],
        capture_output=True,
        text=True,
        check=False,
    )
    return int(done.stdout.strip()) if done.returncode == 0 and done.stdout.strip() else None


def run(quick: bool = False) -> list[Figure]:
    image, base = image_bytes(IMAGE), image_bytes(BASE)
    if image is None or base is None:
        note = f"{IMAGE} or {BASE} not in the local Docker: run .ci/container to build it"
        return [Figure("container image", 0, "MB", note=note)]
    mb = 1_000_000
    return [
        Figure("container image: total", image / mb, "MB", note=f"base {base / mb:.0f} MB"),
        Figure(
            "container image: layers above the base",
            (image - base) / mb,
            "MB",
            LAYERS_TARGET_MB,
            "<=",
            note="dependencies, the package and the SOP definitions",
        ),
    ]


def main(argv: list[str]) -> int:
    figures = run()
    for figure in figures:
        print(figure.line())
    if "--check" in argv:
        missed = [f for f in figures if f.met is False or (f.target is None and f.value == 0)]
        return 1 if missed else 0
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
