"""YAML reading with line numbers, and writing. Only the safe loader is used: tags such as
``!!python/object`` are refused, never executed."""

from __future__ import annotations

import math
import re
from typing import Any

import yaml

from allied.errors import Problem, ScenarioError
from allied.scenario.paths import Loc, oversize
from allied.scenario.paths import dotted as _dotted

_SAFE_TAGS = {f"tag:yaml.org,2002:{t}" for t in ("map", "seq", "str", "int", "float", "bool", "null", "timestamp")}

#: libyaml's parser where installed (about ten times faster, and it caps nesting itself), else PyYAML's own
_COMPOSER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

#: most values one file may hold, most values its aliases may repeat (``*name`` repeats a whole block, so
#: 370 bytes can stand for 10**10 values: the "billion laughs" bomb), and the deepest nesting accepted
MAX_VALUES = 2_000_000
MAX_ALIAS_VALUES = 10_000
MAX_DEPTH = 64
#: ``1e5``, ``-2.5E+3``: numbers in the common notation, which YAML 1.1 (PyYAML) reads as text
_EXP_NUMBER = re.compile(r"^[-+]?(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9_]+)[eE][-+]?[0-9]+$")


class _Budget:
    """Counts the values built while constructing one document, and the blocks on the current path."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.values = 0
        self.alias_values = 0
        self.in_alias = 0
        self.seen: set[int] = set()
        self.open: set[int] = set()
        self.loader = yaml.SafeLoader("")

    def enter(self, node: yaml.Node, path: Loc) -> bool:
        """Count ``node``; True when it is a repeat (an alias), which the caller passes to :meth:`leave`."""
        line = node.start_mark.line + 1
        if id(node) in self.open:
            raise ScenarioError([Problem(
                self.file, _dotted(path) or "(top)", "an alias ('*name') refers to a block that contains it, "
                "so the value would never end", "replace the alias with the values written out", line,
                kind="yaml_alias")])
        repeat = id(node) in self.seen
        self.seen.add(id(node))
        self.in_alias += repeat
        self.values += 1
        self.alias_values += self.in_alias > 0
        if self.alias_values > MAX_ALIAS_VALUES:
            raise ScenarioError([Problem(
                self.file, _dotted(path) or "(top)", f"aliases ('*name') repeat more than {MAX_ALIAS_VALUES:,} "
                "values (nested aliases multiply, so a few lines can stand for billions)",
                "write the values out instead of nesting aliases", line, kind="too_big")])
        if self.values > MAX_VALUES:
            raise ScenarioError([Problem(
                self.file, _dotted(path) or "(top)", f"the file holds more than {MAX_VALUES:,} values",
                "a scenario is far smaller than this; check you named the right file", line, kind="too_big")])
        if len(path) > MAX_DEPTH:
            raise ScenarioError([Problem(
                self.file, _dotted(path[:3]) + " …", f"the values are nested more than {MAX_DEPTH} levels deep",
                "a scenario nests a few levels only; check the brackets and indentation", line,
                kind="too_deep")])
        return repeat

    def leave(self, repeat: bool) -> None:
        self.in_alias -= repeat


def _construct(node: yaml.Node, path: Loc, lines: dict[Loc, int], file: str, budget: _Budget | None = None) -> Any:
    budget = budget or _Budget(file)
    repeat = budget.enter(node, path)
    value = _build(node, path, lines, file, budget)
    budget.leave(repeat)
    return value


def _build(node: yaml.Node, path: Loc, lines: dict[Loc, int], file: str, budget: _Budget) -> Any:
    lines.setdefault(path, node.start_mark.line + 1)
    if node.tag not in _SAFE_TAGS:
        raise ScenarioError([Problem(
            file, _dotted(path) or "(top)",
            f"the YAML tag {node.tag!r} is not allowed (tags are never executed)",
            "remove the tag and write a plain value", node.start_mark.line + 1, kind="yaml_tag")])
    if isinstance(node, yaml.MappingNode):
        budget.open.add(id(node))
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise ScenarioError([Problem(file, _dotted(path) or "(top)", "YAML merge keys ('<<') are not supported",
                                             "write the keys out in full", key_node.start_mark.line + 1,
                                             kind="yaml_merge")])
            key = _construct(key_node, path, {}, file, budget)
            if isinstance(key, list | dict):
                raise ScenarioError([Problem(file, _dotted(path) or "(top)", "a mapping key must be a plain value",
                                             "use a name or number as the key", key_node.start_mark.line + 1,
                                             kind="yaml_key")])
            if key in out:
                raise ScenarioError([Problem(file, _dotted((*path, key)), f"the key '{key}' appears twice",
                                             "keep one of the two entries", key_node.start_mark.line + 1,
                                             kind="duplicate")])
            lines[(*path, key)] = key_node.start_mark.line + 1
            out[key] = _construct(value_node, (*path, key), lines, file, budget)
        budget.open.discard(id(node))
        return out
    if isinstance(node, yaml.SequenceNode):
        budget.open.add(id(node))
        items = [_construct(child, (*path, i), lines, file, budget) for i, child in enumerate(node.value)]
        budget.open.discard(id(node))
        return items
    assert isinstance(node, yaml.ScalarNode)
    return _scalar(node, path, file, budget.loader)


def _scalar(node: yaml.ScalarNode, path: Loc, file: str, loader: yaml.SafeLoader) -> Any:
    line = node.start_mark.line + 1
    if node.tag == "tag:yaml.org,2002:str" and not node.style and _EXP_NUMBER.match(node.value):
        node = yaml.ScalarNode("tag:yaml.org,2002:float", node.value.replace("_", ""), node.start_mark)
    try:
        value = loader.construct_object(node, deep=True)
    except yaml.constructor.ConstructorError:
        raise ScenarioError([Problem(
            file, _dotted(path) or "(top)",
            f"the YAML tag {node.tag!r} is not allowed (tags are never executed)",
            "remove the tag and write a plain value", line, kind="yaml_tag")]) from None
    except (ValueError, OverflowError) as exc:  # e.g. an integer of thousands of digits, or 2019-13-45
        if node.tag == "tag:yaml.org,2002:timestamp":
            raise ScenarioError([Problem(
                file, _dotted(path) or "(top)", f"not a valid date ({node.value[:40]}: {exc})",
                "write the date as YYYY-MM-DD (or YYYY-MM, YYYY in quotes)", line, kind="bad_date")]) from None
        raise ScenarioError([Problem(
            file, _dotted(path) or "(top)", f"number out of range ({node.value[:20]}… has "
            f"{len(node.value)} characters)", "write a number of ordinary size (rescale the units)", line,
            kind="out_of_range")]) from None
    if isinstance(value, float) and math.isinf(value) and "inf" not in node.value.lower():
        raise ScenarioError([Problem(
            file, _dotted(path) or "(top)", f"number out of range ({node.value[:40]} is beyond what a computer "
            "number holds)", "write a number of ordinary size (rescale the units)", line, kind="out_of_range")])
    return value


def load_yaml(text: str, file: str, max_items: dict[str, int] | None = None) -> tuple[Any, dict[Loc, int]]:
    """Parse YAML text safely; return the data and a map from key path to 1-based line. ``max_items`` caps
    the length of top-level lists (e.g. ``stances``), checked before any value is built."""
    lines: dict[Loc, int] = {}
    try:
        nodes = list(yaml.compose_all(text, Loader=_COMPOSER))
    except RecursionError:
        raise ScenarioError([Problem(file, "(syntax)", "the values are nested too deeply to read",
                                     "a scenario nests a few levels only; check the brackets and indentation",
                                     kind="too_deep")]) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        what = (exc.problem or "syntax error").strip()
        if "nesting depth" in what:  # libyaml's own cap on nesting
            raise ScenarioError([Problem(file, "(syntax)", "the values are nested too deeply to read",
                                         "a scenario nests a few levels only; check the brackets and indentation",
                                         line, kind="too_deep")]) from None
        raise ScenarioError([Problem(file, "(syntax)", f"YAML syntax error: {what}",
                                     "check indentation, colons and quotes on that line", line,
                                     kind="syntax")]) from None
    except yaml.YAMLError as exc:
        raise ScenarioError([Problem(file, "(syntax)", f"YAML error: {exc}", "fix the YAML syntax")]) from None
    if not nodes:
        raise ScenarioError([Problem(file, "(top)", "the file is empty",
                                     "start from `allied show korea-2019 --format yaml` or docs/scenario-format.md")])
    if len(nodes) > 1:
        raise ScenarioError([Problem(file, "(top)", "the file holds several YAML documents ('---')",
                                     "keep one scenario per file", nodes[1].start_mark.line + 1)])
    if max_items and isinstance(nodes[0], yaml.MappingNode):  # refuse an oversized section before building it
        counts = {k.value: (len(v.value), k.start_mark.line + 1) for k, v in nodes[0].value
                  if isinstance(v, yaml.SequenceNode) and isinstance(k.value, str)}
        over = oversize(counts, max_items, file)
        if over:
            raise ScenarioError(over)
    data = _construct(nodes[0], (), lines, file)
    return data, lines


class _Dumper(yaml.SafeDumper):
    pass


def _str_rep(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str_rep)
_CDumper: type | None = None
if getattr(yaml, "__with_libyaml__", False):  # libyaml's emitter: the same text, three to four times faster

    class _CDumperClass(yaml.CSafeDumper):  # type: ignore[misc,name-defined]
        pass

    _CDumperClass.add_representer(str, _str_rep)  # type: ignore[arg-type]
    _CDumper = _CDumperClass


def dump_yaml(data: Any) -> str:
    """YAML text for plain data, keys in the given order, unicode kept."""
    return yaml.dump(data, Dumper=_CDumper or _Dumper, sort_keys=False, allow_unicode=True, width=110)
