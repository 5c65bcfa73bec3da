"""LibreOffice for the tests: convert a file with `soffice --headless --convert-to`.

The LibreOffice cases are skipped only when soffice is absent and CI is not set (under CI,
`make test` has installed it, so a missing soffice fails).
"""
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def need_office():
    """Skip the calling test when LibreOffice is missing, except under CI."""
    if SOFFICE is None:
        if os.environ.get("CI") == "true":
            pytest.fail("soffice is missing under CI (make test installs libreoffice-calc)")
        pytest.skip("LibreOffice (soffice) is not installed")


def convert(source, target_format, name=None):
    """Convert ``source`` (a path, or (bytes, file name)) with LibreOffice; return the bytes.

    Each call has its own profile folder, so parallel test workers never share one.
    """
    need_office()
    with tempfile.TemporaryDirectory(prefix="office-") as folder:
        folder = Path(folder)
        if isinstance(source, tuple):
            data, filename = source
            path = folder / "in" / filename
            path.parent.mkdir()
            path.write_bytes(data)
        else:
            path = Path(source)
        out = folder / "out"
        result = subprocess.run(
            [SOFFICE, f"-env:UserInstallation=file://{folder}/profile", "--headless",
             "--norestore", "--convert-to", target_format, "--outdir", str(out), str(path)],
            capture_output=True, timeout=180, check=False)
        produced = list(out.glob("*")) if out.exists() else []
        assert result.returncode == 0 and produced, (result.stdout, result.stderr)
        return produced[0].read_bytes()


def opens(data, filename, target_format="pdf"):
    """Say LibreOffice opened the file: it converted it into a non-empty ``target_format``."""
    converted = convert((data, filename), target_format)
    return len(converted) > 0
