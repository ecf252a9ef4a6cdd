"""No function in measures/ or sections/ is longer than 80 lines: a section reads as a list of facts and the
sentences made of them (issue 20)."""

from __future__ import annotations

import ast
from pathlib import Path

import carequality

LIMIT = 80
ROOT = Path(carequality.__file__).parent


def long_functions() -> list[str]:
    out = []
    for folder in ("measures", "sections"):
        for path in sorted((ROOT / folder).glob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
                    length = (node.end_lineno or node.lineno) - first + 1
                    if length > LIMIT:
                        out.append(f"{folder}/{path.name}:{node.lineno} {node.name} ({length} lines)")
    return out


def test_no_function_in_measures_or_sections_is_longer_than_80_lines():
    assert long_functions() == []


def test_the_check_sees_a_long_function(tmp_path):
    folder = tmp_path / "measures"
    folder.mkdir()
    (tmp_path / "sections").mkdir()
    (folder / "long.py").write_text("def f():\n" + "    x = 1\n" * LIMIT)
    globals()["ROOT"] = tmp_path
    try:
        assert long_functions() == ["measures/long.py:1 f (81 lines)"]
    finally:
        globals()["ROOT"] = Path(carequality.__file__).parent
