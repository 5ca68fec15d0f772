"""Edits of plain scenario data, as the web builder makes them: set one value, add, rename or remove an entry.

A value is addressed by a *path*: keys of mappings, and for list entries a selector naming the entry by its
key fields — ``["stances", {"actor": "USA", "issue": "trade"}, "position"]``,
``["actors", {"id": "USA"}, "name"]``, ``["alliance", "items", {"item": "hns_2019"}, "value"]`` — so an edit
lands on the same entry whatever other edits (another session's) did to the list meanwhile.

Every function returns new data and leaves its input alone. Validation is the caller's: these functions only
keep references whole (a rename follows every reference; a removal says what goes with it).

*Edited after quote*: setting a figure whose evidence holds a quote records, in the evidence's
``edited_after_quote``, the value the quote supports; moving the figure back removes the mark, and so do
:func:`confirm_quote` and replacing the quote.
"""

from __future__ import annotations

import copy
from typing import Any

from allied.errors import Problem, ScenarioError

Path = list[Any]  # str keys, int indexes and {key: value} selectors

#: references to each kind of id: (list section path, field)
REFERENCES: dict[str, tuple[tuple[tuple[str, ...], str], ...]] = {
    "actors": ((("stances",), "actor"),),
    "issues": ((("stances",), "issue"), (("outcomes",), "issue")),
}
#: removals that take entries of other sections with them (section → [(section, field)])
CASCADE: dict[str, tuple[tuple[tuple[str, ...], str], ...]] = {
    "actors": ((("stances",), "actor"),),
    "issues": ((("stances",), "issue"), (("outcomes",), "issue")),
}


def _fail(file: str, path: Path, message: str, fix: str) -> ScenarioError:
    return ScenarioError([Problem(file, show_path(path), message, fix)])


def show_path(path: Path) -> str:
    """A path as the located messages write it: ``stances[USA/trade].position``."""
    out = ""
    for part in path:
        if isinstance(part, dict):
            out += "[" + "/".join(str(v) for v in part.values()) + "]"
        elif isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _match(entry: Any, sel: dict[str, Any]) -> bool:
    return isinstance(entry, dict) and all(str(entry.get(k)) == str(v) for k, v in sel.items())


def _step(node: Any, part: Any, create: bool) -> Any:
    if isinstance(part, dict):
        if not isinstance(node, list):
            raise KeyError(part)
        found = [e for e in node if _match(e, part)]
        if len(found) != 1:
            raise KeyError(part)
        return found[0]
    if isinstance(part, int):
        if not isinstance(node, list) or not 0 <= part < len(node):
            raise KeyError(part)
        return node[part]
    if not isinstance(node, dict):
        raise KeyError(part)
    if part not in node or node[part] is None:
        if not create:
            raise KeyError(part)
        node[part] = {}
    return node[part]


def get(data: Any, path: Path, default: Any = None) -> Any:
    """The value at ``path``, or ``default`` when the path leads nowhere."""
    node = data
    try:
        for part in path:
            node = _step(node, part, create=False)
    except KeyError:
        return default
    return node


def _parent(data: dict[str, Any], path: Path, file: str) -> Any:
    node: Any = data
    for k, part in enumerate(path[:-1]):
        try:
            node = _step(node, part, create=isinstance(part, str) and k == len(path) - 2)
        except KeyError:
            raise _fail(file, path[: k + 1], "this entry is no longer in the scenario (removed or renamed, "
                        "perhaps in another window)", "reload the page") from None
    return node


def set_value(data: dict[str, Any], path: Path, value: Any, file: str = "scenario") -> dict[str, Any]:
    """A copy of ``data`` with the value at ``path`` replaced (``None`` removes the key; an evidence mapping
    is created on the way when needed)."""
    if not path or not isinstance(path[-1], str):
        raise _fail(file, path, "the path must end at a field", "name the field to change")
    out = copy.deepcopy(data)
    parent = _parent(out, path, file)
    if not isinstance(parent, dict):
        raise _fail(file, path, "this value cannot hold fields", "name a field of an entry")
    field = path[-1]
    old = parent.get(field)
    if value is None or value == "":
        parent.pop(field, None)
    else:
        parent[field] = value
    mark_edit(parent, field, old, parent.get(field))
    if len(path) >= 2 and str(path[-2]).endswith("evidence") and field == "quote" and old != parent.get(field):
        parent.pop("edited_after_quote", None)  # a new quote: nothing to flag any more
    if len(path) >= 2 and str(path[-2]).endswith("evidence") and not parent:
        grand = _parent(out, path[:-1], file)
        grand.pop(path[-2], None)
    return out


def mark_edit(entry: dict[str, Any], field: str, old: Any, new: Any) -> None:
    """Record ``field`` as edited after its quote (or clear the mark when it is back at the quoted value).
    The quote is the field's own evidence (``reservation_evidence`` for ``reservation``) or the entry's."""
    ev = entry.get(f"{field}_evidence") or entry.get("evidence")
    if not isinstance(ev, dict) or not ev.get("quote") or field.endswith("evidence") or old == new:
        return
    if isinstance(new, dict | list) and not _is_range(new):
        return
    if not (isinstance(old, int | float) or _is_range(old)) or isinstance(old, bool):
        return
    marks = dict(ev.get("edited_after_quote") or {})
    if field in marks:
        if _same(marks[field], new):
            marks.pop(field)
    else:
        marks[field] = old
    if marks:
        ev["edited_after_quote"] = marks
    else:
        ev.pop("edited_after_quote", None)


def _is_range(v: Any) -> bool:
    return isinstance(v, dict) and bool(v) and set(v) <= {"low", "mode", "high", "mean", "sd"}


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, int | float) and isinstance(b, int | float):
        return float(a) == float(b)
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    return bool(a == b)


def confirm_quote(data: dict[str, Any], entry_path: Path, file: str = "scenario") -> dict[str, Any]:
    """The analyst confirms the quote supports the edited figures: the mark goes."""
    out = copy.deepcopy(data)
    entry = get(out, entry_path)
    if not isinstance(entry, dict) or not isinstance(entry.get("evidence"), dict):
        raise _fail(file, entry_path, "this entry has no evidence", "reload the page")
    entry["evidence"].pop("edited_after_quote", None)
    return out


def add_entry(data: dict[str, Any], section: Path, entry: dict[str, Any], file: str = "scenario") -> dict[str, Any]:
    """A copy with ``entry`` appended to the list at ``section`` (created when absent)."""
    out = copy.deepcopy(data)
    node: Any = out
    for k, part in enumerate(section):
        if not isinstance(node, dict):
            raise _fail(file, section[: k + 1], "no such section", "reload the page")
        if node.get(part) is None:
            node[part] = [] if k == len(section) - 1 else {}
        node = node[part]
    if not isinstance(node, list):
        raise _fail(file, section, "this section is not a list", "reload the page")
    node.append({k: v for k, v in entry.items() if v is not None and v != ""})
    return out


def _references(data: dict[str, Any], section: str, key: str) -> list[tuple[Path, dict[str, Any]]]:
    """(path, entry) of every entry that names ``key`` of ``section``."""
    out = []
    for where, field in CASCADE.get(section, ()):
        items = get(data, list(where), []) or []
        out += [([*where, _selector(e)], e) for e in items if isinstance(e, dict) and str(e.get(field)) == key]
    return out


def _selector(entry: dict[str, Any]) -> dict[str, Any]:
    for keys in (("id",), ("actor", "issue"), ("item", "year"), ("item",)):
        if all(k in entry for k in keys):
            return {k: entry[k] for k in keys}
    return dict(entry)


def describe(path: Path, entry: dict[str, Any]) -> str:
    if path[0] == "stances":
        return f"the stance of {entry.get('actor')} on {entry.get('issue')}"
    if path[0] == "outcomes":
        return f"the outcome {entry.get('id')}"
    return show_path(path)


def removal_effects(data: dict[str, Any], section: Path, selector: dict[str, Any]) -> list[str]:
    """What else goes when the entry named by ``selector`` is removed (for the question asked first)."""
    if len(section) != 1 or "id" not in selector:
        return []
    return [describe(p, e) for p, e in _references(data, section[0], str(selector["id"]))]


def remove_entry(data: dict[str, Any], section: Path, selector: dict[str, Any], file: str = "scenario"
                 ) -> dict[str, Any]:
    """A copy without the entry (and, for an actor or issue, without the stances and outcomes naming it).
    A source still cited by evidence is refused, naming the figures that cite it."""
    out = copy.deepcopy(data)
    items = get(out, section)
    if not isinstance(items, list) or sum(_match(e, selector) for e in items) != 1:
        raise _fail(file, [*section, selector], "this entry is no longer in the scenario", "reload the page")
    if section == ["sources"]:
        citing = [show_path(p) for p, _ in _citations(out, str(selector.get("id")))]
        if citing:
            raise _fail(file, [*section, selector], f"{len(citing)} figure(s) cite this source: "
                        + ", ".join(citing[:6]), "change or remove their evidence first")
    items[:] = [e for e in items if not _match(e, selector)]
    if len(section) == 1 and "id" in selector:
        for where, field in CASCADE.get(section[0], ()):
            lst = get(out, list(where))
            if isinstance(lst, list):
                lst[:] = [e for e in lst if not (isinstance(e, dict) and str(e.get(field)) == str(selector["id"]))]
    return out


def _citations(data: Any, source: str, path: Path | None = None) -> list[tuple[Path, dict[str, Any]]]:
    """Every evidence mapping (anywhere in the data) citing ``source``."""
    path = path or []
    out: list[tuple[Path, dict[str, Any]]] = []
    if isinstance(data, dict):
        for k, v in data.items():
            if isinstance(k, str) and k.endswith("evidence") and isinstance(v, dict):
                if str(v.get("source")) == source:
                    out.append(([*path, k], v))
            else:
                out += _citations(v, source, [*path, k])
    elif isinstance(data, list):
        for i, v in enumerate(data):
            out += _citations(v, source, [*path, _selector(v) if isinstance(v, dict) else i])
    return out


def rename(data: dict[str, Any], section: str, old: str, new: str, file: str = "scenario") -> dict[str, Any]:
    """A copy with the id ``old`` of ``section`` (actors, issues, sources) renamed ``new`` everywhere it is
    named: stances, outcomes, evidence, the alliance's members and items."""
    out = copy.deepcopy(data)
    items = out.get(section) or []
    if any(isinstance(e, dict) and str(e.get("id")) == new for e in items):
        raise _fail(file, [section, {"id": old}, "id"], f"the id '{new}' is already taken in {section}",
                    "choose another id")
    found = [e for e in items if isinstance(e, dict) and str(e.get("id")) == old]
    if len(found) != 1:
        raise _fail(file, [section, {"id": old}], "this entry is no longer in the scenario", "reload the page")
    found[0]["id"] = new
    for _, entry in _references(out, section, old):
        for where, field in CASCADE.get(section, ()):
            if str(entry.get(field)) == old and where[0] in ("stances", "outcomes"):
                entry[field] = new
    if section == "sources":
        for _, ev in _citations(out, old):
            ev["source"] = new
    if section == "actors":  # delegation parts and a cost-sharing protocol's sides name actors too
        for principal, parts in (out.get("delegation") or {}).items():
            if isinstance(parts, dict) and old in parts:
                out["delegation"][principal] = {new if a == old else a: w for a, w in parts.items()}
        proto = out.get("protocol")
        if isinstance(proto, dict):
            for role in ("patron", "client"):
                if proto.get(role) == old:
                    proto[role] = new
    if section == "actors" and isinstance(out.get("alliance"), dict):
        al = out["alliance"]
        al["members"] = [new if m == old else m for m in al.get("members") or []]
        if al.get("patron") == old:
            al["patron"] = new
        for it in al.get("items") or []:
            for f in ("from", "to"):
                if it.get(f) == old:
                    it[f] = new
    return out
