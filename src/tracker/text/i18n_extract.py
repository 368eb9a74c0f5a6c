"""Babel extraction method that reads Python through ``ast``: ``make messages`` and the catalogue test.

Babel's own Python extractor tokenises the source and, before Python 3.12, does not look
inside f-strings, so ``f"<h1>{_('Funder summary')}</h1>"`` would be missed. ``ast`` parses the
expressions inside f-strings on every supported Python, and joins implicitly concatenated
literals as Python does. Registered in babel.cfg as ``tracker.text.i18n_extract:extract_python``.
"""

from __future__ import annotations

import ast
from collections.abc import Collection, Iterator, Mapping
from typing import IO, Any


def _literal(node: ast.expr) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def extract_python(
    fileobj: IO[bytes],
    keywords: Mapping[str, Any],
    comment_tags: Collection[str],
    options: Mapping[str, Any],
) -> Iterator[tuple[int, str, str | tuple[str | None, ...], list[str]]]:
    """Yield (line, function, message(s), comments) for each call of a keyword function."""
    source = fileobj.read().decode(options.get("encoding", "utf-8"))
    tree = ast.parse(source)
    calls = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in keywords
    ]
    for node in sorted(calls, key=lambda n: (n.lineno, n.col_offset)):
        args = tuple(_literal(a) for a in node.args)
        if not args or args[0] is None:
            continue  # _(variable): the string is marked where it is defined, with N_()
        assert isinstance(node.func, ast.Name)
        messages: str | tuple[str | None, ...] = args if len(args) > 1 else args[0]
        yield node.lineno, node.func.id, messages, []
