"""Every error code the code raises has its wording in templates/errors.j2, taking exactly the values given."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import pytest

from templates import environment, error_text

REPO = Path(__file__).resolve().parents[2]
RAISERS = {"PulseError", "Invalid", "Conflict", "Forbidden", "UsageError", "error", "error_text", "__init__"}
DUMMY: dict[str, object] = {"fields": ["a"], "allowed": ["b"], "commands": ["/risk"], "act": "edit"}
DUMMY |= {"role": "risk_owner", "command": "risk", "sub": "add", "column": "title"}
DUMMY |= {"at": dt.datetime(2027, 3, 1, 9, tzinfo=dt.UTC), "again": dt.datetime(2027, 3, 1, 10, tzinfo=dt.UTC)}


def raised_codes() -> dict[str, set[str]]:
    """code -> the keyword values passed with it, for every literal code in bot/, commands/ and domain/."""
    found: dict[str, set[str]] = {}
    for package in ("bot", "commands", "domain"):
        for path in (REPO / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text())):
                if not (isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant)):
                    continue
                name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
                code = node.args[0].value
                if name in RAISERS and isinstance(code, str) and code.isidentifier():
                    keywords = {k.arg for k in node.keywords if k.arg and k.arg != "field"}
                    if name == "error" and len(node.args) > 1 and isinstance(node.args[1], ast.Dict):
                        keywords = {str(k.value) for k in node.args[1].keys if isinstance(k, ast.Constant)}
                    found.setdefault(code, set()).update(keywords)
    return found


CODES = raised_codes()


def test_the_scan_finds_the_codes_it_should() -> None:
    assert {"not_found", "out_of_scale", "field_twice", "only_item_owner", "internal_error"} <= set(CODES)


@pytest.mark.parametrize("code", sorted(CODES))
def test_every_raised_code_is_worded_with_its_values(code: str) -> None:
    module = environment().get_template("errors.j2").module
    macro = getattr(module, code, None)
    assert macro is not None, f"templates/errors.j2 has no macro {code}"
    assert set(macro.arguments) >= CODES[code], f"{code} is raised with {CODES[code]}, worded with {macro.arguments}"
    text = error_text(code, {name: DUMMY.get(name, "X-1") for name in macro.arguments})
    assert text and not text.startswith(" ") and text[-1] in ".?!)", text
