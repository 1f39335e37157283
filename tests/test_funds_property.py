"""Random books, and the reconciliation against a running tally kept while writing them."""

from __future__ import annotations

import datetime
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reports import funds as report
from tests.funds_books import HEADER, load_clean

CENTS = st.integers(min_value=1, max_value=500_000)
OPS = st.lists(st.tuples(st.sampled_from(["pledge", "donate", "pay", "owe", "settle",
                                          "designate", "grant"]), CENTS, CENTS),
               min_size=1, max_size=25)


def money(cents: int) -> str:
    return f"{Decimal(cents) / 100:.2f}"


def write(ops, folder):
    """Books from `ops`, with the tally a treasurer would keep by hand (in pence)."""
    tally = {f: {"balance": 0, "raised": 0, "legal": 0, "fees": 0} for f in
             ("general", "case", "grant")}
    owed: list[tuple[str, int]] = []
    text = [HEADER]
    day = datetime.date(2019, 2, 1)
    for i, (op, a, b) in enumerate(ops):
        day += datetime.timedelta(days=1)
        case = tally["case"]
        if op == "pledge":
            fee = a // 20
            text.append(f'{day} * "Platform" "Pledge"\n  fund: "case"\n'
                        f"  Assets:Held:Firm {money(a - fee)} GBP\n"
                        f"  Expenses:Fees:Platform {money(fee)} GBP\n"
                        f"  Income:Crowdfunding:Platform -{money(a)} GBP\n")
            case["raised"] += a
            case["fees"] += fee
            case["balance"] += a - fee
        elif op == "donate":
            text.append(f'{day} * "Bank" "Donation"\n  fund: "general"\n'
                        f"  Assets:Bank:Current {money(a)} GBP\n"
                        f"  Income:Donations:Bank -{money(a)} GBP\n")
            tally["general"]["raised"] += a
            tally["general"]["balance"] += a
        elif op == "grant":  # EUR in, at a booked GBP amount
            text.append(f'{day} * "Funder" "Grant"\n  fund: "grant"\n'
                        f"  Assets:Bank:Current {money(b)} GBP\n"
                        f"  Income:Grants:Funder -{money(a)} EUR @@ {money(b)} GBP\n")
            tally["grant"]["raised"] += b
            tally["grant"]["balance"] += b
        elif op in ("pay", "owe") and case["balance"] >= a:
            credit = "Assets:Held:Firm" if op == "pay" else "Liabilities:Creditors:Firm"
            text.append(f'{day} * "Firm LLP" "Work"\n  fund: "case"\n  invoice: "F-{i}"\n'
                        f"  Expenses:Legal:Solicitors {money(a)} GBP\n"
                        f"  {credit} -{money(a)} GBP\n")
            case["legal"] += a
            case["balance"] -= a
            if op == "owe":
                owed.append((f"F-{i}", a))
        elif op == "settle" and owed:
            number, amount = owed.pop(0)
            text.append(f'{day} * "Firm LLP" "Invoice paid"\n  invoice: "{number}"\n'
                        f"  Liabilities:Creditors:Firm {money(amount)} GBP\n"
                        f"  Assets:Held:Firm -{money(amount)} GBP\n")
        elif op == "designate" and tally["general"]["balance"] >= a:
            text.append(f'{day} * "Trustees" "Designate"\n'
                        f'  Equity:Funds:Transfers {money(a)} GBP\n    fund: "general"\n'
                        f'  Equity:Funds:Transfers -{money(a)} GBP\n    fund: "case"\n')
            tally["general"]["balance"] -= a
            case["balance"] += a
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "main.beancount").write_text("\n".join(text))
    return folder / "main.beancount", tally, owed


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=OPS)
def test_reconciliation_matches_the_tally(ops, tmp_path_factory):
    main, tally, owed = write(ops, tmp_path_factory.mktemp("books"))
    entries, options = load_clean(main)
    summaries = {s.fund: s for s in report.reconcile(entries, options)}
    for fid, t in tally.items():
        s = summaries[fid]
        assert s.balance * 100 == t["balance"], fid
        assert s.raised_total * 100 == t["raised"], fid
        assert s.legal_total * 100 == t["legal"], fid
        assert (s.platform_fees + s.payment_fees) * 100 == t["fees"], fid
        assert sum((h.amount for h in s.holdings), Decimal(0)) == s.balance, fid
        assert all(h.account != report.UNATTRIBUTED for h in s.holdings), fid
        if s.status == "closable":
            assert t["balance"] == 0
    case = summaries["case"]
    assert [(i.number, i.amount * 100) for i in case.unpaid_invoices] == owed
    assert case.status == ("overspent" if case.balance < 0 else
                           "closable" if case.balance == 0 and not owed and
                           not any(h.amount for h in case.holdings) else "open")
