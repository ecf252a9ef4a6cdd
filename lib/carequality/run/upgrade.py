"""`carequality params upgrade FILE`: rewrite a params file for this release's schema, keeping its comments.

The file is read with ruamel.yaml's round-trip loader (the maintained YAML library that keeps comments, key
order and quoting; PyYAML drops them), each change in params.SCHEMA_CHANGES newer than the file's schema is made
(a renamed key keeps its value and its comments; a removed one is taken out and named), `schema_version` is
stated, and the result is read back (it must be a schema this release reads) before it replaces the old one
atomically. The input files are not needed: `carequality check` afterwards checks them. A file
already at this schema is left byte for byte as it was.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.error import YAMLError

from carequality import params as schema
from carequality.errors import ParamsError
from carequality.params import FIRST_SCHEMA, SchemaChange, describe_change, read_params_text, read_params_yaml
from carequality.run.atomic import write_atomic

#: The comment beside the version line that upgrade and init write.
VERSION_COMMENT = "the params schema this file is written for (carequality params upgrade rewrites it)"


def _round_trip() -> YAML:
    y = YAML()  # round-trip: comments, key order and quotes are kept
    y.preserve_quotes = True
    y.width = 4096  # never wrap a long line the council wrote on one
    y.indent(mapping=2, sequence=4, offset=2)
    return y


def _apply(data: Any, change: SchemaChange) -> bool:
    """Make one change in the round-trip mapping; True if the file used the old key."""
    *parents, last = change.old.split(".")
    node = data
    for part in parents:
        node = node.get(part) if hasattr(node, "get") else None
    if node is None or not hasattr(node, "get") or last not in node:
        return False
    value = node[last]
    position = list(node.keys()).index(last)
    # The key's comments (its end-of-line comment and the comment lines after it) go with it.
    comment = node.ca.items.pop(last, None) if hasattr(node, "ca") else None
    del node[last]
    if change.new is not None:
        *new_parents, new_last = change.new.split(".")
        target = data
        for part in new_parents:
            if part not in target:
                target[part] = {}
            target = target[part]
        if target is node:
            node.insert(position, new_last, value)
        else:
            target[new_last] = value
        if comment is not None and hasattr(target, "ca"):
            target.ca.items[new_last] = comment
    return True


def upgrade_text(text: str, source: str | Path = "params") -> tuple[str, list[str]]:
    """The text rewritten for this schema and the changes made, one line each (empty when none were needed)."""
    y = _round_trip()
    try:
        data = y.load(text)
    except YAMLError as e:
        raise ParamsError(source, [f"not valid YAML: {e}"]) from None
    if not isinstance(data, CommentedMap):
        raise ParamsError(source, ["(top level): expected a mapping of keys such as council, period, inputs"])
    latest = schema.SCHEMA_VERSION
    stated = "schema_version" in data
    raw = data.get("schema_version", FIRST_SCHEMA)
    if isinstance(raw, bool) or not isinstance(raw, int) or not FIRST_SCHEMA <= raw <= latest:
        raise ParamsError(
            source,
            [f"schema_version: {raw!r} is not a schema this carequality knows; expected {FIRST_SCHEMA} to {latest}"],
        )
    if raw == latest and stated:
        return text, []
    done = [describe_change(c) for c in schema.SCHEMA_CHANGES if c.schema > raw and _apply(data, c)]
    if stated:
        data["schema_version"] = latest
        done.append(f"schema_version: {raw} → {latest}")
    else:
        data.insert(0, "schema_version", latest, comment=VERSION_COMMENT)
        done.append(f"schema_version: {latest} stated (the file had none: it was written for carequality 0.1.0)")
    out = io.StringIO()
    y.dump(data, out)
    return out.getvalue(), done


def upgrade_params(path: str | Path, *, dry_run: bool = False) -> list[str]:
    """Rewrite a params file for this schema, keeping comments; return the changes made (none: the file is
    untouched)."""
    path = Path(path)
    if not path.is_file():
        raise ParamsError(path, ["params file not found"])
    read_params_yaml(path)  # the same refusals as every command: not UTF-8, not YAML, a key twice
    text = path.read_bytes().decode("utf-8-sig")
    new, changes = upgrade_text(text, path)
    if not changes:
        return []
    data = read_params_text(new, path)
    _, left = schema.schema_version_of(data if isinstance(data, dict) else {})
    if left:  # a change this release cannot make by itself (a key given in both its old and its new form …)
        raise ParamsError(path, left)
    if not dry_run:
        write_atomic(path, new)
    return changes


__all__ = ["upgrade_params", "upgrade_text"]
