"""The spoken form beside the text: every replacement marked, every unreadable token flagged.

The explanation itself comes from the station's reading policy (`web.db.reading()`), the same
object that makes every clip speak.
"""

from __future__ import annotations

from markupsafe import Markup, escape

from broadcaster.reading import Explanation, Unreadable


def _overlaps(a, b) -> bool:
    return a.start < b.end and b.start < a.end


def annotate(explanation: Explanation) -> Markup:
    """The source text as HTML: each replacement in a <mark> saying rule, original and reading.

    An unreadable token is flagged (class "unreadable"), on its replacement when it has one.
    """
    source, unreadable = explanation.source, explanation.unreadable
    lone = [u for u in unreadable if not any(_overlaps(u, r) for r in explanation.replacements)]
    spans = sorted([(r.start, -r.end, r) for r in explanation.replacements]
                   + [(u.start, -u.end, u) for u in lone], key=lambda s: (s[0], s[1]))
    parts: list[str] = []
    cursor = 0
    for start, _, item in spans:
        if start < cursor:
            continue  # nested inside a span already shown
        parts.append(str(escape(source[cursor:start])))
        if isinstance(item, Unreadable):
            title = f"Cần kiểm tra: {item.label}: {item.token} → {item.reading}"
            parts.append(f'<mark class="unreadable" title="{escape(title)}">{escape(item.token)}</mark>')
        else:
            problem = next((u for u in unreadable if _overlaps(u, item)), None)
            title = f"{item.label}: {item.original} → {item.reading.strip() or '(bỏ, không đọc)'}"
            classes = f"r r-{item.rule}"
            if problem is not None:
                title += f" · cần kiểm tra: {problem.label}"
                classes += " unreadable"
            parts.append(f'<mark class="{escape(classes)}" title="{escape(title)}">'
                         f'<span class="orig">{escape(item.original)}</span>'
                         f'<span class="arrow" aria-hidden="true"> → </span>'
                         f'<span class="read">{escape(item.reading.strip() or "(bỏ)")}</span></mark>')
        cursor = item.end
    parts.append(str(escape(source[cursor:])))
    return Markup("".join(parts).replace("\n", "<br>\n"))
