"""State-changing requests (all POST; the same-origin rule lives in :mod:`allied.web.security`): upload a
scenario, make a working copy, edit a stance, delete a user file. Built-ins are never written to."""

from __future__ import annotations

import math
import re
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from allied.errors import Problem
from allied.scenario import ScenarioError
from allied.web import engines, views
from allied.web.pages import entry_of, store_of
from allied.web.render import MAX_UPLOAD, page

router = APIRouter()


@router.post("/upload")
async def upload(request: Request) -> Response:
    """Store an uploaded scenario file after validating it exactly as the CLI does."""
    store = store_of(request)
    form = await request.form(max_files=1, max_fields=4)
    try:
        f = form.get("file")
        if not isinstance(f, UploadFile) or not f.filename:
            problems = [Problem("upload", "file", "no file was chosen", "choose a scenario file, then Upload")]
            return page(request, "index.html", {**views.index_context(store), "upload_problems": problems},
                        status_code=422)
        raw = await f.read(MAX_UPLOAD + 1)
        if len(raw) > MAX_UPLOAD:
            raise HTTPException(413, f"The file is larger than {MAX_UPLOAD // 2**20} MB.")
        try:
            # reading and validating is CPU work: off the event loop, so other requests keep being answered
            entry = await run_in_threadpool(store.save_upload, f.filename, raw)
        except ScenarioError as exc:
            ctx = {**views.index_context(store), "upload_problems": exc.problems, "upload_name": f.filename}
            return page(request, "index.html", ctx, status_code=422)
    finally:
        await form.close()
    return RedirectResponse(f"/scenarios/{entry.key}", status_code=303)


@router.post("/scenarios/{key}/copy")
def copy(request: Request, key: str) -> Response:
    """Make an editable working copy (YAML, in the scenarios folder) and open its editor."""
    store = store_of(request)
    entry = entry_of(request, key)
    try:
        new = store.working_copy(entry)
    except ScenarioError:
        raise HTTPException(422, "This file does not load as a scenario; fix it before copying.") from None
    return RedirectResponse(f"/scenarios/{new.key}/forecast", status_code=303)


@router.post("/scenarios/{key}/delete")
def delete(request: Request, key: str) -> Response:
    """Delete a file of the user folder (built-ins cannot be deleted)."""
    entry = entry_of(request, key)
    if entry.builtin or entry.path is None:
        raise HTTPException(403, "Built-in scenarios cannot be deleted.")
    entry.path.unlink(missing_ok=True)
    return RedirectResponse("/", status_code=303)


def _number(form: Any, name: str, where: str, problems: list[Problem], file: str) -> float | None:
    raw = str(form.get(name) or "").strip()
    if not raw:
        return None
    try:
        v = float(raw)
    except ValueError:
        v = math.nan
    if not math.isfinite(v):
        problems.append(Problem(file, where, f"'{raw[:40]}' is not a number", "type a number, e.g. 30 or 12.5"))
        return None
    return v


def _value(form: Any, f: str, where: str, problems: list[Problem], file: str) -> Any:
    """A figure from the editor's fields ``f``, ``f_low``, ``f_high`` (and ``f_sd`` for a normal range)."""
    seen = len(problems)
    pt = _number(form, f, where, problems, file)
    lo = _number(form, f"{f}_low", where, problems, file)
    hi = _number(form, f"{f}_high", where, problems, file)
    sd = _number(form, f"{f}_sd", where, problems, file)
    if len(problems) > seen:
        return None
    if lo is None and hi is None:
        if pt is None:
            problems.append(Problem(file, where, "no value given", "type a number"))
            return None
        return {"mean": pt, "sd": sd} if sd is not None else pt
    if lo is None or hi is None:
        problems.append(Problem(file, where, "a range needs both its low and its high end",
                                "fill in both ends, or clear both for a single number"))
        return None
    return {"low": lo, "mode": pt, "high": hi} if pt is not None else {"low": lo, "high": hi}


@router.post("/scenarios/{key}/stance")
async def stance(request: Request, key: str) -> Response:
    """Change one stance's position and salience (point and range) in a working copy; answer with the
    fresh forecasts of every model (HTMX) or a redirect to the forecast page."""
    store = store_of(request)
    entry = entry_of(request, key)
    form = await request.form(max_files=0, max_fields=20)
    actor, issue = str(form.get("actor") or ""), str(form.get("issue") or "")
    base = f"stances.{actor}.{issue}"
    problems: list[Problem] = []
    if not entry.editable:
        problems.append(Problem(entry.key, base, "this scenario is not a working copy (built-ins and your "
                                "original files are never changed)", "make a working copy first"))
    fields = {f: _value(form, f, f"{base}.{f}", problems, entry.key) for f in ("position", "salience")
              if any(k in form for k in (f, f"{f}_low", f"{f}_high"))}
    if not fields:
        problems.append(Problem(entry.key, base, "nothing to change", "send a position or a salience"))
    htmx = request.headers.get("hx-request") == "true"
    dom = views.dom_id(actor, issue)
    sc = None
    if not problems:
        try:
            sc = await run_in_threadpool(store.edit, entry, stances={(actor, issue): fields})
        except ScenarioError as exc:
            problems = exc.problems
    if problems or sc is None:
        return page(request, "_row_error.html", {"dom": dom, "problems": problems}, status_code=422,
                    headers={"HX-Reswap": "none"} if htmx else None)
    if not htmx:
        return RedirectResponse(f"/scenarios/{entry.key}/forecast?issue={quote(issue)}", status_code=303)
    return page(request, "_forecast.html",
                {"entry": entry, "sc": sc, "fc": engines.forecast_section(sc, issue), "clear": dom, "partial": True})


@router.post("/scenarios/{key}/drafts/accept")
async def accept_draft(request: Request, key: str) -> Response:
    """Make one drafted sentence a stance's evidence in a working copy (a new stance needs the analyst's own
    position and salience: none is ever taken from the draft)."""
    from allied.drafting.draft import accept

    entry = entry_of(request, key)
    form = await request.form(max_files=0, max_fields=6)
    draft_id = str(form.get("id") or "")
    problems: list[Problem] = []
    if not entry.editable or entry.path is None:
        problems.append(Problem(entry.key, "drafts", "this scenario is not a working copy (built-ins and your "
                                "original files are never changed)", "make a working copy first"))
    nums = {f: _number(form, f, f"drafts.{draft_id}.{f}", problems, entry.key) for f in ("position", "salience")}
    if not problems:
        assert entry.path is not None
        try:
            accept(entry.path, draft_id, nums["position"], nums["salience"])
        except ScenarioError as exc:
            problems = exc.problems
    if problems:
        from allied.web.pages import tab_page

        sc = store_of(request).scenario(entry)
        return tab_page(request, entry, sc, "scenario", status_code=422, draft_problems=problems)
    return RedirectResponse(f"/scenarios/{entry.key}#drafts", status_code=303)


@router.get("/scenarios/{key}/edit")
def edit_page(request: Request, key: str) -> Response:
    """The stance editor lives on the forecast page."""
    entry_of(request, key)
    return RedirectResponse(f"/scenarios/{key}/forecast", status_code=303)



_BACK = {"scenario": "", "protocol": "/protocol", "ledger": "/ledger", "forecast": "/forecast"}


@router.post("/scenarios/{key}/set")
async def set_value(request: Request, key: str) -> Response:
    """Change any value of a working copy with the CLI's ``--set PATH=VALUE`` machinery."""
    from allied.web.pages import tab_page

    store = store_of(request)
    entry = entry_of(request, key)
    form = await request.form(max_files=0, max_fields=6)
    path, value = str(form.get("path") or "").strip(), str(form.get("value") or "").strip()
    back = str(form.get("back") or "scenario")
    back = back if back in _BACK else "scenario"
    problems: list[Problem] = []
    if not entry.editable:
        problems.append(Problem(entry.key, path or "(path)", "this scenario is not a working copy",
                                "make a working copy first; built-ins are never changed"))
    elif not re.fullmatch(r"[A-Za-z0-9_.\-]{1,200}", path):
        problems.append(Problem(entry.key, path[:60] or "(path)", "a path names a value with ids and dots",
                                "write e.g. protocol.divergence or stances.USA.sanctions_relief.position"))
    elif not value or len(value) > 500 or "\n" in value:
        problems.append(Problem(entry.key, path, "give one value on one line",
                                "write a number, a text, or a range like {low: 20, high: 40}"))
    if not problems:
        try:
            await run_in_threadpool(store.edit, entry, assignments=[f"{path}={value}"])
        except ScenarioError as exc:
            problems = exc.problems
    if problems:
        try:
            sc = store.scenario(entry)
        except ScenarioError:
            raise HTTPException(422, "; ".join(p.message for p in problems)) from None
        return tab_page(request, entry, sc, back if back != "forecast" else "scenario", status_code=422,
                        set_problems=problems, set_form={"path": path, "value": value})
    return RedirectResponse(f"/scenarios/{entry.key}{_BACK[back]}", status_code=303)
