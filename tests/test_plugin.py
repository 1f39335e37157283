"""Each fund rule: a book that breaks it is reported with file, line and fund; one that
keeps it loads clean. Real beancount loading with the real plugin."""

from __future__ import annotations

from beancount import loader

from ledger import books as ledger_books

CLEAN = """
2018-02-01 * "Donor" "Gift"
  fund: "case"
  Assets:Bank              100.00 GBP
  Income:Donations        -100.00 GBP
"""


def load(path):
    entries, errors, _ = loader.load_file(str(path))
    return entries, [ledger_books.format_error(e) for e in errors]


def only_error(path) -> str:
    _entries, errors = load(path)
    assert len(errors) == 1, errors
    return errors[0]


def test_clean_books_load_without_errors(books):
    _entries, errors = load(books(CLEAN))
    assert errors == []


def test_transaction_fund_is_copied_to_fund_postings_only(books):
    entries, errors = load(books(CLEAN))
    assert errors == []
    txn = entries[-1]
    by_account = {p.account: (p.meta or {}).get("fund") for p in txn.postings}
    assert by_account == {"Assets:Bank": None, "Income:Donations": "case"}


def test_posting_without_fund(books):
    path = books("""
2018-02-01 * "Donor" "Gift"
  Assets:Bank              100.00 GBP
  Income:Donations        -100.00 GBP
""")
    error = only_error(path)
    assert error.startswith(f"{path}:")
    assert "Income:Donations has no fund" in error
    # The posting's own line, where the fix goes.
    assert f"{path}:{len(path.read_text().splitlines())}:" in error


def test_posting_fund_overrides_transaction_fund(books):
    path = books("""
2018-02-01 * "Donor" "Gift"
  fund: "case"
  Assets:Bank              100.00 GBP
  Income:Donations        -100.00 GBP
    fund: "nowhere"
""")
    assert "fund 'nowhere' is not declared" in only_error(path)


def test_undeclared_fund(books):
    path = books(CLEAN.replace('"case"', '"ghost"'))
    error = only_error(path)
    assert "fund 'ghost' is not declared" in error and str(path) in error


def test_posting_before_fund_opens(books):
    path = books(CLEAN.replace("2018-02-01", "2018-01-09"))
    error = only_error(path)
    assert "fund 'case' is used on 2018-01-09, before it opens on 2018-01-10" in error


def test_posting_on_opening_day_is_allowed(books):
    assert load(books(CLEAN.replace("2018-02-01", "2018-01-10")))[1] == []


def test_posting_after_close(books):
    path = books(CLEAN + """
2018-02-02 * "Firm" "Fees"
  fund: "case"
  Expenses:Legal:Solicitors  100.00 GBP
  Assets:Bank               -100.00 GBP
2018-03-01 custom "fund-close" "case"
2018-03-02 * "Donor" "Late gift"
  fund: "case"
  Assets:Bank                5.00 GBP
  Income:Donations          -5.00 GBP
""")
    error = only_error(path)
    assert "fund 'case' is used on 2018-03-02, after it closed on 2018-03-01" in error


def test_restricted_fund_spent_outside_purpose(books):
    path = books(CLEAN + """
2018-02-02 * "Landlord" "Rent"
  fund: "case"
  Expenses:Running:Rent       50.00 GBP
  Assets:Bank                -50.00 GBP
""")
    error = only_error(path)
    assert "restricted fund 'case' spent on Expenses:Running:Rent" in error
    assert "outside its purpose (Expenses:Legal)" in error


APPEAL = """
2017-01-01 open Expenses:Grants:Charities GBP
2018-01-10 custom "fund" "appeal" "restricted"
  title: "An appeal"
  purpose: "Expenses:Legal"
  terms: "donate-to-charity"
  charity: "Access to Justice Foundation"

2018-02-01 * "Donor" "Gift"
  fund: "appeal"
  Assets:Bank              100.00 GBP
  Income:Donations        -100.00 GBP
"""


def test_a_leftover_donated_under_the_terms_is_the_one_spend_outside_the_purpose(books):
    """The fund's terms, not its purpose, authorise giving its leftover to the charity
    they name: that payment, and only that one, is accepted outside the purpose."""
    donated = """
2018-06-01 * "{payee}" "Leftover donated"
  fund: "appeal"
  leftover: "{leftover}"
  Expenses:Grants:Charities  100.00 GBP
  Assets:Bank               -100.00 GBP
"""
    _entries, errors = load(books(APPEAL + donated.format(
        payee="Access to Justice Foundation", leftover="donated")))
    assert errors == []
    for payee, leftover in (("Another Charity", "donated"),
                            ("Access to Justice Foundation", "returned")):
        error = only_error(books(APPEAL + donated.format(payee=payee, leftover=leftover)))
        assert "restricted fund 'appeal' spent on Expenses:Grants:Charities" in error


def test_unrestricted_fund_may_be_spent_on_anything(books):
    path = books(CLEAN.replace('"case"', '"general"') + """
2018-02-02 * "Landlord" "Rent"
  fund: "general"
  Expenses:Running:Rent       50.00 GBP
  Assets:Bank                -50.00 GBP
""")
    assert load(path)[1] == []


def test_purpose_prefix_matches_whole_account_components(books):
    # "Expenses:Legal" must not admit "Expenses:LegalFund"-style lookalikes.
    path = books("""
2017-01-01 open Expenses:LegalLookalike GBP
""" + CLEAN + """
2018-02-02 * "X" "Y"
  fund: "case"
  Expenses:LegalLookalike     50.00 GBP
  Assets:Bank                -50.00 GBP
""")
    assert "spent on Expenses:LegalLookalike" in only_error(path)


def test_restricted_fund_overspent(books):
    path = books(CLEAN + """
2018-02-02 * "Firm" "Fees"
  fund: "case"
  Expenses:Legal:Solicitors  130.00 GBP
  Assets:Bank               -130.00 GBP
""")
    error = only_error(path)
    assert "fund 'case' is overspent on 2018-02-02: balance -30.00 GBP" in error


def test_overspending_is_judged_at_end_of_day(books):
    # A bill booked before the gift that covers it, on the same day, is not an overdraft.
    path = books("""
2018-02-02 * "Firm" "Fees"
  fund: "case"
  Expenses:Legal:Solicitors  130.00 GBP
  Assets:Bank               -130.00 GBP
2018-02-02 * "Donor" "Gift"
  fund: "case"
  Assets:Bank              130.00 GBP
  Income:Donations        -130.00 GBP
""")
    assert load(path)[1] == []


def test_close_with_balance_left(books):
    path = books(CLEAN + """
2018-02-02 * "Firm" "Fees"
  fund: "case"
  Expenses:Legal:Solicitors   99.99 GBP
  Assets:Bank                -99.99 GBP
2018-03-01 custom "fund-close" "case"
""")
    error = only_error(path)
    assert "fund 'case' is closed on 2018-03-01 with a balance of 0.01 GBP" in error
    assert f"{path}:" in error


def test_close_at_exactly_zero_after_transfer(books):
    path = books(CLEAN + """
2018-02-02 * "Firm" "Fees"
  fund: "case"
  Expenses:Legal:Solicitors  120.00 GBP
  Assets:Bank               -120.00 GBP
2018-02-02 * "Trustees" "Top up"
  Equity:Funds:Transfers      20.00 GBP
    fund: "general"
  Equity:Funds:Transfers     -20.00 GBP
    fund: "case"
2018-03-01 custom "fund-close" "case"
""")
    assert load(path)[1] == []


def test_eur_income_at_a_total_price_closes_exactly(books):
    # 28-digit per-unit prices from @@ must not leave dust that blocks a close.
    path = books("""
2018-02-01 * "Funder" "Tranche"
  fund: "case"
  Assets:Bank              100.00 GBP
  Income:Grants           -117.37 EUR @@ 100.00 GBP
2018-02-02 * "Firm" "Fees"
  fund: "case"
  Expenses:Legal:Solicitors  100.00 GBP
  Assets:Bank               -100.00 GBP
2018-03-01 custom "fund-close" "case"
""")
    assert load(path)[1] == []


def test_bad_declarations(books):
    path = books("""
2018-01-01 custom "fund" "odd" "permanent"
2018-01-01 custom "fund" "kept" "endowment"
2018-01-01 custom "fund-close" "nobody"
2018-01-01 custom "fund-budget" "nobody" "Line" 10.00 EUR
""")
    _entries, errors = load(path)
    text = "\n".join(errors)
    assert ("class 'permanent' is not one of unrestricted, designated, restricted, "
            "endowment") in text
    assert "'kept'" not in text  # an endowment is a SORP fund class
    assert "fund-close: fund 'nobody' is not declared" in text
    assert "budget line 'Line': fund 'nobody' is not declared" in text


def test_demo_books_are_clean():
    from fundledger import demo_books
    _entries, errors = load(demo_books.MAIN)
    assert errors == []


def test_grant_budget_in_favas_spelling_is_refused_with_the_right_name(books):
    path = books("""
2018-01-10 custom "budget" "case" "Solicitors" 100.00 EUR
""")
    assert 'declare a grant budget line as custom "fund-budget"' in only_error(path)


def test_favas_own_account_budgets_are_left_alone(books):
    path = books("""
2018-01-10 custom "budget" Expenses:Legal:Solicitors "monthly" 100.00 GBP
""" + CLEAN)
    assert load(path)[1] == []
