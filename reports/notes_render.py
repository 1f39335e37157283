"""The notes to the accounts (reports.notes) as one self-contained HTML page, and the
list of what the trustees must still declare as text. Rendering only."""

from __future__ import annotations

from decimal import Decimal

from jinja2 import Environment, select_autoescape

from reports.notes import Notes
from reports.sofa_render import statement_money

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>{{ title }}</title>
<style>
body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem}
table{border-collapse:collapse;margin-bottom:1.5rem;width:100%}
th,td{padding:.25rem .6rem;border-bottom:1px solid #ddd;text-align:left}
td.n{text-align:right;font-variant-numeric:tabular-nums}
.missing{border:2px solid #b00;padding:.5rem 1rem}
</style></head><body>
<h1>{{ title }}</h1>
{% if n.missing %}<div class="missing"><h2>Still to be declared by the trustees</h2><ul>
{% for m in n.missing %}<li>{{ m }}</li>{% endfor %}</ul></div>{% endif %}
{% for s in n.sections %}
<h2 id="{{ s.key }}">{{ loop.index }}. {{ s.title }}</h2>
{% for w in s.words %}<p>{{ w }}</p>{% endfor %}
{% if s.rows %}<table><thead><tr>{% for h in s.header %}<th>{{ h }}</th>{% endfor %}</tr></thead>
<tbody>{% for r in s.rows %}<tr>{% for c in r %}<td{% if is_money(c) %} class="n"{% endif %}>{{ money(c) if is_money(c) else c }}</td>{% endfor %}</tr>
{% endfor %}</tbody></table>{% endif %}
{% endfor %}
</body></html>
"""


def to_html(n: Notes, title: str) -> str:
    env = Environment(autoescape=select_autoescape(default=True, default_for_string=True))
    return env.from_string(PAGE).render(
        n=n, title=title, money=statement_money,
        is_money=lambda v: isinstance(v, Decimal))


def missing_text(n: Notes) -> str:
    if not n.missing:
        return "Every note the trustees must write is declared.\n"
    return "Still to be declared by the trustees:\n" + "".join(
        f"  - {m}\n" for m in n.missing)
