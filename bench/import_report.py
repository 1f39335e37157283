"""bench/import_bench.py's figures as text: the table of times, rows/s and peak memory,
the verdicts against the targets, and every process's memory summed. The bench
measures; this only renders what it measured (each `best` and `peak` a bench Run:
seconds, peak_kb, load, base_kb)."""

from __future__ import annotations

SIDES = (("ours_cli", "fundledger import --dry-run"),
         ("theirs_cli", "beangulp extract with csvbase"),
         ("ours_work", "importers.run.run, work alone"),
         ("theirs_work", "csvbase extract(), work alone"))
# Throughput multiple of csvbase's (at least) and peak memory as a multiple (at most).
TARGETS = {"realistic": 10.0, "distinct": 5.0}
MEMORY = 1.5


def table(shapes, files, best, peak, markdown: bool) -> str:
    lines = []
    if markdown:
        lines.append("| | " + " | ".join(f"{s}: s (load) | rows/s | peak MB" for s in shapes)
                     + " |")
        lines.append("| --- |" + " ---: | ---: | ---: |" * len(shapes))
    else:
        lines.append(f"{'':32}" + "".join(f"{s:^36}" for s in shapes))
        lines.append(f"{'':32}" + f"{'s (load)':>14} {'rows/s':>9} {'peak MB':>11}" * len(shapes))
    for side, title in SIDES:
        cells = []
        for s in shapes:
            b, p = best[s, side], peak[s, side]
            mb = f"{p.peak_kb / 1024:.0f}"
            if p.base_kb:
                mb += f" (+{(p.peak_kb - p.base_kb) / 1024:.0f})"
            rate = files[s][1].rows / b.seconds
            cells.append((f"{b.seconds:.2f} ({b.load:.1f})", f"{rate:,.0f}", mb))
        if markdown:
            lines.append(f"| {title} | " + " | ".join(" | ".join(c) for c in cells) + " |")
        else:
            lines.append(f"{title:32}" + "".join(f"{a:>14} {r:>9} {m:>11}" for a, r, m in cells))
    note = ("peak MB of a work-alone row: the whole child; in brackets, above what it held "
            "once its modules were imported")
    lines.append(f"\n{note}" if not markdown else f"\n{note}.")
    return "\n".join(lines)


def verdicts(shapes, best, peak) -> str:
    out = []
    for pair, ours, theirs, mem in (
            ("command against command", "ours_cli", "theirs_cli", lambda r: r.peak_kb),
            ("the work alone", "ours_work", "theirs_work", lambda r: r.peak_kb - r.base_kb)):
        out.append(f"{pair}:")
        for s in shapes:
            speed = best[s, theirs].seconds / best[s, ours].seconds
            memory = mem(peak[s, ours]) / mem(peak[s, theirs])
            line = f"  {s:<10} {speed:6.2f}x csvbase's throughput"
            if s in TARGETS:
                line += f" (target >= {TARGETS[s]:g}x: {_met(speed >= TARGETS[s])})"
            line += (f"; peak memory {memory:.2f}x csvbase's (target <= {MEMORY:g}x: "
                     f"{_met(memory <= MEMORY)})")
            out.append(line)
    return "\n".join(out)


def summed_lines(mb: dict[str, tuple[int, int]]) -> str:
    """import_bench.summed's figures (shape -> ours, csvbase's MB) and their verdicts."""
    out = [("every process summed (PSS, one untimed run each; ours with the second core "
            "forced on):")]
    for s, (ours, theirs) in mb.items():
        ratio = ours / theirs
        out.append(f"  {s:<10} {ours} MB against {theirs} MB: {ratio:.2f}x "
                   f"(target <= {MEMORY:g}x: {_met(ratio <= MEMORY)})")
    return "\n".join(out)


def _met(ok: bool) -> str:
    return "met" if ok else "NOT met"
