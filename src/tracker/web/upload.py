"""The one upload -> preview -> import flow (Streamlit side) of every page that imports a
file: activities and outcomes (Import page), targets (Strategy page).

The file is checked once per content and choice (the plan is kept in the session by
content hash, not re-read on every rerun); the preview says what each row would do, a
file already imported (from the page or the command line) is flagged, unknown themes
are refused unless the person ticks the box that lists them by name; after a successful
import the upload is cleared and the result stays on screen, so a second click cannot
import the file again. The checks and the write are ``tracker.io.pipeline``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

import streamlit as st

from tracker.i18n import _, column_labels, ngettext
from tracker.io import pipeline
from tracker.text import formatting
from tracker.text.plain_text import markdown_literal
from tracker.web import auth, db


@dataclass(frozen=True)
class ImportScreen:
    """What differs between the pages that import: the record type, the session keys'
    prefix (``{prefix}_upload``, ``{prefix}_go`` ...), the button's words, the lowered
    confidentiality's introduction, and whether likely duplicates may be confirmed."""

    kind: type[pipeline.RecordImport]
    prefix: str
    button: Callable[[int], str]
    lowered_intro: str = ""
    confirm_duplicates: bool = False


def import_flow(screen: ImportScreen) -> None:
    prefix = screen.prefix
    generation = st.session_state.setdefault(f"{prefix}_generation", 0)
    upload_key = f"{prefix}_upload" if generation == 0 else f"{prefix}_upload_{generation}"
    done = st.session_state.get(f"{prefix}_done")
    upload = st.file_uploader(_("CSV (UTF-8) or XLSX file"), type=["csv", "xlsx"], key=upload_key)
    if upload is None:
        if done:
            st.success(done[0])
            for line in done[1]:
                st.warning(line)
        return
    st.session_state.pop(f"{prefix}_done", None)

    data = upload.getvalue()
    create_themes = bool(st.session_state.get(f"{prefix}_create_themes"))
    options = pipeline.ImportOptions(create_themes=create_themes)
    digest = (hashlib.sha256(data).hexdigest(), create_themes)
    cached = st.session_state.get(f"{prefix}_plan")
    if cached is None or cached[0] != digest:
        cached = (digest, db.read(pipeline.plan_file, screen.kind, data, upload.name, options))
        st.session_state[f"{prefix}_plan"] = cached
    plan: pipeline.ImportPlan = cached[1]

    for previous in plan.already_imported:
        st.warning(
            _("This file was already imported on {at} by {who} (as “{file}”).").format(
                at=f"{formatting.date(previous.imported_at.date())} {previous.imported_at:%H:%M} UTC",
                who=markdown_literal(previous.imported_by),
                file=markdown_literal(previous.filename),
            )
        )
    if plan.unknown_themes or plan.new_themes:
        names = plan.new_themes or plan.unknown_themes
        st.checkbox(
            _("Create the new themes: {names}").format(names=markdown_literal(", ".join(names))),
            key=f"{prefix}_create_themes",
            help=_("Themes are a short, curated list: check each name is not a typo of a known theme."),
        )
    if plan.problems:
        st.error(
            ngettext(
                "{n} problem: nothing will be imported until the file is corrected.",
                "{n} problems: nothing will be imported until the file is corrected.",
                len(plan.problems),
            ).format(n=formatting.number(len(plan.problems)))
        )
        st.code("\n".join(str(p) for p in plan.problems[:500]), language=None)
    else:
        st.success(
            ngettext("The file's {n} row is valid.", "All {n} rows are valid.", len(plan.rows)).format(
                n=formatting.number(len(plan.rows))
            )
            + " "
            + _("Dry run, nothing written yet. New: {c}; updates: {u}; unchanged: {k}.").format(
                c=formatting.number(plan.creates),
                u=formatting.number(plan.updates),
                k=formatting.number(plan.unchanged),
            )
        )
    if plan.lowered:
        st.warning(
            screen.lowered_intro + "\n\n" + "\n".join(f"- {markdown_literal(x)}" for x in plan.lowered)
        )
    confirmed = True
    if plan.duplicates and plan.ok and screen.confirm_duplicates:
        st.warning(
            _("These rows look like likely duplicates of activities already in the tracker:")
            + "\n\n"
            + "\n".join(f"- {markdown_literal(d)}" for d in plan.duplicates[:200])
        )
        confirmed = st.checkbox(_("Import them anyway"), key=f"{prefix}_confirm_duplicates")
    if plan.new_forums:
        st.write(
            _("New forums that will be created: {names}").format(
                names=markdown_literal(", ".join(f"{n} ({c})" for n, c in plan.new_forums.items()))
            )
        )
    if plan.new_themes:
        st.write(
            _("New themes that will be created: {names}").format(
                names=markdown_literal(", ".join(plan.new_themes))
            )
        )
    if plan.new_organisations:
        st.write(
            _("New organisations that will be created: {names}").format(
                names=markdown_literal(", ".join(plan.new_organisations))
            )
        )
    if plan.row_count and plan.kind is not None:
        preview = plan.preview()
        st.dataframe(preview, hide_index=True, column_config=column_labels(preview.columns))

    if plan.ok and st.button(
        screen.button(len(plan.rows)), type="primary", key=f"{prefix}_go", disabled=not confirmed
    ):
        progress = st.progress(0.0, text=_("Importing…"))
        ok, written = db.write(
            pipeline.import_file,
            screen.kind,
            data,
            upload.name,
            auth.actor(),
            progress=lambda share: progress.progress(share, text=_("Importing…")),
            options=pipeline.ImportOptions(create_themes=create_themes, confirm_duplicates=confirmed),
        )
        if not ok:
            return
        checked, result = written
        if result is None:
            st.error(
                _("The file no longer fits the tracker (someone changed it meanwhile): nothing was imported.")
            )
            st.code("\n".join(str(p) for p in checked.problems[:500]), language=None)
            return
        summary = _("Imported. New: {c}; updated: {u}; unchanged: {n}.").format(
            c=formatting.number(result.created),
            u=formatting.number(result.updated),
            n=formatting.number(result.unchanged),
        )
        st.session_state[f"{prefix}_done"] = (summary, [markdown_literal(x) for x in result.lowered])
        st.session_state[f"{prefix}_generation"] = generation + 1
        for name in ("plan", "confirm_duplicates", "create_themes"):
            st.session_state.pop(f"{prefix}_{name}", None)
        st.rerun()
