"""YAML reading with line numbers, and writing. Only the safe loader is used: tags such as
``!!python/object`` are refused, never executed."""

from __future__ import annotations

from typing import Any

import yaml

from allied.errors import Problem, ScenarioError

Loc = tuple[str | int, ...]


_SAFE_TAGS = {f"tag:yaml.org,2002:{t}" for t in ("map", "seq", "str", "int", "float", "bool", "null", "timestamp")}


def _construct(node: yaml.Node, path: Loc, lines: dict[Loc, int], file: str) -> Any:
    lines.setdefault(path, node.start_mark.line + 1)
    if node.tag not in _SAFE_TAGS:
        raise ScenarioError([Problem(
            file, _dotted(path) or "(top)",
            f"the YAML tag {node.tag!r} is not allowed (tags are never executed)",
            "remove the tag and write a plain value", node.start_mark.line + 1)])
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise ScenarioError([Problem(file, _dotted(path) or "(top)", "YAML merge keys ('<<') are not supported",
                                             "write the keys out in full", key_node.start_mark.line + 1)])
            key = _construct(key_node, path, {}, file)
            if isinstance(key, list | dict):
                raise ScenarioError([Problem(file, _dotted(path) or "(top)", "a mapping key must be a plain value",
                                             "use a name or number as the key", key_node.start_mark.line + 1)])
            if key in out:
                raise ScenarioError([Problem(file, _dotted((*path, key)), f"the key '{key}' appears twice",
                                             "keep one of the two entries", key_node.start_mark.line + 1)])
            lines[(*path, key)] = key_node.start_mark.line + 1
            out[key] = _construct(value_node, (*path, key), lines, file)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_construct(child, (*path, i), lines, file) for i, child in enumerate(node.value)]
    assert isinstance(node, yaml.ScalarNode)
    loader = yaml.SafeLoader("")
    try:
        return loader.construct_object(node, deep=True)
    except yaml.constructor.ConstructorError:
        raise ScenarioError([Problem(
            file, _dotted(path) or "(top)",
            f"the YAML tag {node.tag!r} is not allowed (tags are never executed)",
            "remove the tag and write a plain value", node.start_mark.line + 1)]) from None


def _dotted(loc: Loc) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def load_yaml(text: str, file: str) -> tuple[Any, dict[Loc, int]]:
    """Parse YAML text safely; return the data and a map from key path to 1-based line."""
    lines: dict[Loc, int] = {}
    try:
        nodes = list(yaml.compose_all(text, Loader=yaml.SafeLoader))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        what = (exc.problem or "syntax error").strip()
        raise ScenarioError([Problem(file, "(syntax)", f"YAML syntax error: {what}",
                                     "check indentation, colons and quotes on that line", line)]) from None
    except yaml.YAMLError as exc:
        raise ScenarioError([Problem(file, "(syntax)", f"YAML error: {exc}", "fix the YAML syntax")]) from None
    if not nodes:
        raise ScenarioError([Problem(file, "(top)", "the file is empty",
                                     "start from `allied show korea-2019 --format yaml` or docs/scenario-format.md")])
    if len(nodes) > 1:
        raise ScenarioError([Problem(file, "(top)", "the file holds several YAML documents ('---')",
                                     "keep one scenario per file", nodes[1].start_mark.line + 1)])
    data = _construct(nodes[0], (), lines, file)
    return data, lines


class _Dumper(yaml.SafeDumper):
    pass


def _str_rep(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str_rep)


def dump_yaml(data: Any) -> str:
    """YAML text for plain data, keys in the given order, unicode kept."""
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=110)
