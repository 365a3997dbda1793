"""What ``import ddorg`` costs: only ddorg's own modules, no ``logging``, ``asyncio`` or
``typing``; and logging still reaches the ``ddorg`` logger once an application configures it.
(How long the import takes is measured by scripts/bench, never asserted here.)"""

from __future__ import annotations

import ast
import subprocess
import sys

from conftest import Fake

PROBE = """
import sys
before = set(sys.modules)
import ddorg
print(repr(sorted(set(sys.modules) - before)))
"""


def run(code: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=60
    )


def test_import_ddorg_loads_only_ddorgs_own_modules() -> None:
    out = run(PROBE)
    assert out.returncode == 0, out.stderr
    new = ast.literal_eval(out.stdout)
    # `__future__` (for `from __future__ import annotations`) is a tiny module importing nothing.
    assert all(m in ("ddorg", "__future__") or m.startswith("ddorg.") for m in new), new
    for heavy in ("logging", "asyncio", "typing", "re", "concurrent.futures", "json"):
        assert heavy not in new


def test_a_call_without_logging_configured_does_not_import_it(fake: Fake) -> None:
    code = (
        "import sys, ddorg\n"
        "c = ddorg.Client('k', 'k', base_url=sys.argv[1])\n"
        "assert c.get_org('abcdef12345').org is not None\n"
        "print('logging' in sys.modules)\n"
    )
    out = run(code, fake.base_url)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"


def test_records_reach_the_ddorg_logger_when_the_application_configures_logging(
    fake: Fake,
) -> None:
    # The application imports and configures logging after importing ddorg.
    code = (
        "import sys, ddorg, logging\n"
        "logging.basicConfig(level=logging.DEBUG, format='%(levelname)s %(name)s %(message)s')\n"
        "c = ddorg.Client('k', 'k', base_url=sys.argv[1], max_retries=1)\n"
        "c.get_org('abcdef12345')\n"
        "logging.getLogger('ddorg').setLevel(logging.WARNING)\n"
        "c.get_org('abcdef12345')  # quiet\n"
    )
    fake.enqueue(status=503, errors=["down"])
    out = run(code, fake.base_url)
    assert out.returncode == 0, out.stderr
    assert "DEBUG ddorg GET /api/v1/org/abcdef12345: attempt 1" in out.stderr, out.stderr
    assert "INFO ddorg GET /api/v1/org/abcdef12345: retrying after server" in out.stderr, out.stderr
    assert "quiet" not in out.stderr, out.stderr
