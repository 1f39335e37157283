"""Fund reconciliation as the treasurer reads it: terminal tables, CSV and JSON."""

from __future__ import annotations

import json
from collections.abc import Sequence
from decimal import Decimal

from reports import render, words
from reports.funds import ZERO, FundSummary, to_json

CHANNEL_ORDER = ("crowdfunding", "grant", "donations", "other")
CATEGORY_ORDER = ("profit costs", "counsel", "court fees", "VAT", "other legal")


def json_text(summaries: Sequence[FundSummary]) -> str:
    return json.dumps(to_json(summaries), indent=2, ensure_ascii=False) + "\n"


def _fees(s: FundSummary) -> Decimal:
    return s.platform_fees + s.payment_fees


def summary_table(summaries: Sequence[FundSummary]) -> str:
    """One line per fund: the spreadsheet's top sheet."""
    # Brought forward only where books began with a balance (an import's opening).
    bf = any(s.brought_forward for s in summaries)
    # Gains/(losses) only where a fund has any (an exchange difference on a grant).
    gains = any(s.gains for s in summaries)
    header = ["Fund", "Class", "Opened", *(["Brought forward"] if bf else []), "Raised",
              "Fees", "Legal", "Other spend", *(["Gains/(losses)"] if gains else []),
              "Transfers in", "Transfers out", "Returned", "Balance", "Status"]
    rows = [[s.fund, words.fund_class(s.fund_class), s.opened,
             *([s.brought_forward] if bf else []), s.raised_total, _fees(s),
             s.legal_total, s.other_spend, *([s.gains] if gains else []), s.transfers_in,
             s.transfers_out, s.returned, s.balance, words.status(s.status)]
            for s in summaries]
    last = len(header) - 1
    total = ["Total", "", "", *(sum((r[i] for r in rows), ZERO) for i in range(3, last)), ""]
    return render.table(header, [*rows, total], align="lll" + "r" * (last - 3) + "l")


def _section(title: str, items: list[tuple[str, Decimal | None]], unit: str) -> list[str]:
    if not items:
        return []
    return [f"  {title}"] + [f"    {k}\0{render.money(v, unit)}" if v is not None
                             else f"    {k}" for k, v in items]


def _align(lines: list[str]) -> list[str]:
    """Line the amounts of every section up in one column, like a spreadsheet."""
    split = [line.split("\0") for line in lines]
    width = max((len(p[0]) for p in split if len(p) == 2), default=0)
    amount = max((len(p[1]) for p in split if len(p) == 2), default=0)
    return [f"{p[0]:<{width}}  {p[1]:>{amount}}" if len(p) == 2 else p[0] for p in split]


def fund_detail(s: FundSummary) -> str:
    """Everything about one fund, in the order money flowed: in, kept, spent, left, where."""
    u = s.unit
    state = words.status(s.status) + (f" on {s.closed}" if s.closed else "")
    left = words.if_money_is_left(s.terms, s.charity)
    lines = [f"{s.fund}: {s.title}",
             f"  {words.fund_class(s.fund_class)}, {s.currency}, opened {s.opened}, {state}",
             *([f"  {left}"] if left else [])]
    raised = [(k, s.raised[k]) for k in CHANNEL_ORDER if k in s.raised]
    raised += [(f"  {a}", v) for a, v in s.raised_by_account.items()]
    if set(s.raised_as_received) - {u}:
        raised += [(f"  (received as {render.money(n, c)})", None)
                   for c, n in s.raised_as_received.items()]
    if s.brought_forward:
        lines += _section("Brought forward", [("held before the books began",
                                               s.brought_forward)], u)
    lines += _section("Raised (gross)", raised, u)
    if s.returned:
        lines += _section("Returned", [("leftover returned", s.returned)], u)
    lines += _section("Fees", [(k, v) for k, v in (("platform", s.platform_fees),
                                                   ("payment", s.payment_fees)) if v], u)
    lines += _section("Legal by firm", list(s.legal_by_firm.items()), u)
    lines += _section("Legal by category", [(k, s.legal_by_category[k]) for k in
                                            CATEGORY_ORDER if k in s.legal_by_category], u)
    lines += _section("Other spend", list(s.other_by_account.items()), u)
    if s.gains:
        lines += _section("Gains/(losses)", [("exchange differences and revaluations",
                                              s.gains)], u)
    lines += _section("Transfers", [(k, v) for k, v in (("in", s.transfers_in),
                                                        ("out", s.transfers_out)) if v], u)
    lines += _section("Balance", [("balance", s.balance)], u)
    lines += _section("Held in", [(h.description if h.account.startswith("(")
                                   else f"{h.account} ({h.description})", h.amount)
                                  for h in s.holdings], u)
    lines = _align(lines)
    if s.blockers:
        lines.append("  Error in the books" if s.status == "error" else "  Not closable because")
        lines += [f"    - {b}" for b in s.blockers]
    return "\n".join(lines)


def table_text(summaries: Sequence[FundSummary], detail: bool = True) -> str:
    unit = summaries[0].unit if summaries else ""
    parts = [f"Funds (amounts in {unit})", "", summary_table(summaries)]
    if detail:
        parts += ["", *("\n".join([fund_detail(s), ""]) for s in summaries)]
    return "\n".join(parts).rstrip() + "\n"


def csv_text(summaries: Sequence[FundSummary]) -> str:
    """One row per fund, one column per figure (a column per firm), safe for spreadsheets."""
    firms = sorted({f for s in summaries for f in s.legal_by_firm})
    header = ["fund", "title", "class", "currency", "opened", "closed", "terms",
              *(f"raised {c}" for c in CHANNEL_ORDER), "raised total", "returned",
              "platform fees", "payment fees",
              *(f"legal {c}" for c in CATEGORY_ORDER), "legal total",
              *(f"legal: {f}" for f in firms), "other spend", "transfers in",
              "transfers out", "brought forward", "gains", "balance", "unit", "held", "status",
              "blockers"]
    rows = []
    for s in summaries:
        rows.append([
            s.fund, s.title, s.fund_class, s.currency, s.opened, s.closed, s.terms,
            *(s.raised.get(c, ZERO) for c in CHANNEL_ORDER), s.raised_total, s.returned,
            s.platform_fees, s.payment_fees,
            *(s.legal_by_category.get(c, ZERO) for c in CATEGORY_ORDER), s.legal_total,
            *(s.legal_by_firm.get(f, ZERO) for f in firms), s.other_spend, s.transfers_in,
            s.transfers_out, s.brought_forward, s.gains, s.balance, s.unit,
            "; ".join(f"{h.account} {h.amount}" for h in s.holdings), s.status,
            "; ".join(s.blockers)])
    return render.write_csv(header, rows)
