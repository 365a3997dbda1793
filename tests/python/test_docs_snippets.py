"""Every Python code block of README.md, python/README.md and docs/*.md runs as written.

Blocks are extracted from the Markdown at test time, never copied here. A block with `def test_`
is a user's test file, run by pytest in a subprocess (so the ddorg plugin comes from the installed
package); any other block is a program, run with the installed package against a fake Datadog
named by the environment (DD_API_KEY, DD_APP_KEY, DDORG_BASE_URL), as a user with keys would run
it against their site. A block marked `<!-- excerpt: ... -->` is a fragment of a program and is
not run: test_every_block_is_run_or_marked lists them, so they are counted, never passed.
"""

from __future__ import annotations

import os
import pathlib
import re
import subprocess
import sys
from typing import NamedTuple

import pytest

from conftest import REPO
from ddorg.testing import FakeServer

# Languages whose blocks are data or output, not programs.
DATA = {"text", "json", "toml", "console"}


class Block(NamedTuple):
    path: str
    line: int
    lang: str
    code: str
    name: str | None  # the NAME of <!-- NAME:begin --> right before it
    excerpt: bool  # <!-- excerpt: ... --> right before it

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


def blocks() -> list[Block]:
    out = []
    # python/README.md is the package's page on PyPI.
    pages = [REPO / "README.md", REPO / "python" / "README.md", *sorted((REPO / "docs").glob("*.md"))]
    for path in pages:
        lines = path.read_text(encoding="utf-8").split("\n")
        i = 0
        while i < len(lines):
            m = re.match(r"^```(\S*)\s*$", lines[i])
            if m and m.group(1):
                j = i + 1
                while not lines[j].startswith("```"):
                    j += 1
                before = lines[i - 1] if i > 0 else ""
                named = re.match(r"^<!-- ([\w:-]+):begin -->$", before)
                out.append(
                    Block(
                        str(path.relative_to(REPO)),
                        i + 1,
                        m.group(1),
                        "\n".join(lines[i + 1 : j]) + "\n",
                        named.group(1) if named else None,
                        before.startswith("<!-- excerpt:"),
                    )
                )
                i = j
            i += 1
    return out


PYTHON = [b for b in blocks() if b.lang == "python" and not b.excerpt]


def consumers() -> str:
    """The text of every script and test that could extract a named block."""
    files = [*(REPO / "scripts").iterdir(), *(REPO / "tests").rglob("*.py")]
    files += [*(REPO / "crates").glob("*/tests/*.rs")]
    return "\n".join(f.read_text(encoding="utf-8", errors="replace") for f in files if f.is_file())


def test_every_block_is_run_or_marked() -> None:
    """A block that is not data is run: by this file (Python), or by a script or test that
    extracts it by name. Anything else must say it is an excerpt."""
    used = consumers()
    unrun = []
    excerpts = []
    for b in blocks():
        if b.lang in DATA or (b.lang == "python" and not b.excerpt):
            continue
        if b.excerpt:
            excerpts.append(f"{b} ({b.lang})")
        elif b.name is None or b.name not in used:
            unrun.append(f"{b} ({b.lang}{', ' + b.name if b.name else ''})")
    assert not unrun, "code blocks no test runs: name them and run them, or mark them excerpts:\n" + "\n".join(unrun)
    print(f"\n{len(excerpts)} excerpts, not run: " + ", ".join(excerpts))


@pytest.mark.parametrize("block", [b for b in PYTHON if "def test_" not in b.code], ids=str)
def test_the_program_runs_against_the_fake(block: Block, tmp_path: pathlib.Path) -> None:
    (tmp_path / "snippet.py").write_text(block.code, encoding="utf-8")
    with FakeServer() as fake:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DD_", "DDORG_"))}
        env.update(DD_API_KEY="docs-api-key", DD_APP_KEY="docs-app-key", DDORG_BASE_URL=fake.base_url)
        run = subprocess.run(
            [sys.executable, "snippet.py"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
        )
        assert run.returncode == 0, f"{block} exited {run.returncode}:\n{run.stdout}\n{run.stderr}"
        if "ddorg" in block.code and "FakeServer" not in block.code:  # else it starts its own
            assert fake.requests, f"{block} made no request to the fake"


@pytest.mark.parametrize("block", [b for b in PYTHON if "def test_" in b.code], ids=str)
def test_the_test_file_passes(block: Block, pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_snippet=block.code)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    tests = len(re.findall(r"^def test_", block.code, flags=re.M))
    result.assert_outcomes(passed=tests)


def test_docs_python_md_quotes_the_quick_start() -> None:
    run = subprocess.run(
        [str(REPO / "scripts" / "doc-block"), "python:quickstart"], capture_output=True, text=True, check=True
    )
    assert run.stdout == (REPO / "examples" / "python" / "quickstart.py").read_text(encoding="utf-8")
