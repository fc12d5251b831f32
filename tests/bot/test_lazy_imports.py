"""The served app and the CLI start without matplotlib or openpyxl: only drawing and spreadsheets load them."""

from __future__ import annotations

import subprocess
import sys


def test_serving_commands_does_not_import_the_drawing_or_spreadsheet_libraries() -> None:
    code = (
        "import sys, bot.app, bot.cli, bot.uploads, bot.registers\n"
        "heavy = {m.split('.')[0] for m in sys.modules} & {'matplotlib', 'numpy', 'PIL', 'openpyxl'}\n"
        "print(','.join(sorted(heavy)))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)  # noqa: S603
    assert done.stdout.strip() == ""
