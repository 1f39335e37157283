"""Import sources (importers.describe) as terminal text or Markdown. The Markdown of every
built-in source is the generated section of docs/importing.md."""

from __future__ import annotations

from importers.describe import Source

RULES_NOTE = "first match wins; the books' own rules come before the source's"


def _rule_target(r) -> str:
    if r.kind == "skip":
        return "skipped"
    text = r.kind + (f" -> {r.account}" if r.account else "")
    return text + (f", fund {r.fund}" if r.fund else "")


def list_text(found: list[Source]) -> str:
    width = max((len(s.name) for s in found), default=0)
    return "".join(f"{s.name:<{width}}  {s.title}"
                   + ("" if s.origin == "built-in" else f"  [{s.origin}]") + "\n"
                   for s in found)


def text(s: Source) -> str:
    out = [f"{s.name}: {s.title}", f"  from: {s.origin}",
           f"  identified by: {s.identified_by}", "  columns (* required):"]
    width = max((len(c.name) for c in s.columns), default=0)
    out += [f"    {'*' if c.required else ' '} {c.name:<{width}}  {c.meaning}" for c in s.columns]
    out += [f"  dates: {', '.join(s.dates)}", f"  numbers: {s.numbers}",
            f"  currency: {s.currency}"]
    out += ["  rows skipped where " + w for w in s.skipped]
    out.append(f"  rules ({RULES_NOTE}):")
    for r in s.rules:
        where = "" if r.origin == "source" else f"  [{r.origin}]"
        out.append(f"    {r.when}: {_rule_target(r)}{where}")
    out.append("  accounts: " + ", ".join(f"{k} = {v}" for k, v in s.accounts))
    out.append(f"  fund: {s.fund}")
    out += [f"  campaign {c}: {keys}" for c, keys in s.campaigns]
    if s.example:
        out.append("  example:")
        out += ["    " + line for line in s.example.splitlines()]
    return "\n".join(out) + "\n"


def _cell(value: str) -> str:
    return value.replace("|", "\\|")


def _code(value: str) -> str:
    return f"`{_cell(value)}`" if value else ""


def list_markdown(found: list[Source]) -> str:
    rows = ["| source | what it reads | from |", "| --- | --- | --- |"]
    rows += [f"| [`{s.name}`](#source-{s.name}) | {_cell(s.title)} | {_cell(s.origin)} |"
             for s in found]
    return "\n".join(rows) + "\n"


def markdown(s: Source) -> str:
    out = [f'<a id="source-{s.name}"></a>', "", f"### `{s.name}`: {s.title}", "",
           f"From: {s.origin}. Identified by {s.identified_by}.", "",
           "| column | required | meaning |", "| --- | --- | --- |"]
    out += [f"| {_code(c.name)} | {'yes' if c.required else ''} | {_cell(c.meaning)} |"
            for c in s.columns]
    out += ["", (f"Dates: {', '.join(_code(d) for d in s.dates)}. Numbers: {s.numbers}. "
                 f"Currency: {s.currency}."), ""]
    if s.skipped:
        out += ["Rows skipped: " + "; ".join(s.skipped) + ".", ""]
    out += [f"Rules ({RULES_NOTE}):", "", "| rows | kind | account | fund |",
            "| --- | --- | --- | --- |"]
    for r in s.rules:
        where = "" if r.origin == "source" else f" (the books: {_cell(r.origin)})"
        out.append(f"| {_cell(r.when)}{where} | {'skipped' if r.kind == 'skip' else r.kind} "
                   f"| {_code(r.account)} | {_cell(r.fund)} |")
    out += ["", "Accounts: " + ", ".join(f"{_code(k)} {_code(v)}" for k, v in s.accounts)
            + f". Fund: {s.fund}.", ""]
    if s.campaigns:
        out += ["Campaigns: " + "; ".join(f"{_code(c)}: {_cell(keys)}" for c, keys in s.campaigns)
                + ".", ""]
    if s.example:
        out += ["Example:", "", "```text", s.example, "```", ""]
    return "\n".join(out)


def all_markdown(found: list[Source]) -> str:
    """The index, then every source in full: docs/importing.md's generated section."""
    return list_markdown(found) + "\n" + "\n".join(markdown(s) for s in found)
