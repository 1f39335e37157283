"""PayPal's currency conversions built in this process (importers.paypal): a dollar gift
and its conversion to pounds in one download, the same gift converted in a later
download (restated in pounds on the day it was received, its fund and donor kept), and
pounds changed into dollars to pay a dollar bill. Exports in PayPal's Activity download
layout (the header of tests/fixtures/imports/paypal_*.csv); every figure worked by hand.
tests/test_import_conversion.py runs the same through `fundledger import`."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

from beancount.parser import parser

from importers import paypal, run
from importers.pseudonym import Pseudonymiser
from importers.settings import from_entries
from importers.txn import Post, Txn, render
from tests.importers_support import FIXTURES, load_clean, write_books

D = Decimal
HEADER = (FIXTURES / "paypal_jan.csv").read_text(encoding="utf-8-sig").splitlines()[0]
PAYPAL, INCOME, FEES = "Assets:PayPal", "Income:Donations:PayPal", "Expenses:Fees:Payment"


def row(date, name, kind, currency, gross, fee, net, txid, ref="", email="", impact=""):
    return (f'"{date}","09:00:00","Europe/London","{name}","{kind}","Completed",'
            f'"{currency}","{gross}","{fee}","{net}","{email}","treasurer@npa.example",'
            f'"{txid}","","","","","{ref}","","0.00","","","","{impact}"')


GIFT = row("31/01/2023", "Hiro Example", "Donation Payment", "USD", "25.00", "-1.20", "23.80",
           "7PP00002", email="hiro@example.org", impact="Credit")
# PayPal shows a conversion as two rows sharing the converted payment's id; here the
# pounds are dated a day after the dollars left.
CONVERTED = [
    row("01/02/2023", "", "General Currency Conversion", "USD", "-23.80", "0.00", "-23.80",
        "7PP00003", ref="7PP00002", impact="Debit"),
    row("02/02/2023", "", "General Currency Conversion", "GBP", "18.73", "0.00", "18.73",
        "7PP00004", ref="7PP00002", impact="Credit"),
]


def write(folder: Path, name: str, rows: list[str]) -> Path:
    path = folder / name
    path.write_text("\ufeff" + "\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def build(main: Path, path: Path):
    settings = from_entries(load_clean(main), main.parent)
    imp = run.identify(str(path), run.importers_for(settings, Pseudonymiser(b"k" * 32)))
    return {t.import_id: t for t in imp.entries(str(path), settings).all()}


def legs(t: Txn) -> list[tuple]:
    return [(p.account, p.number, p.currency, p.price) for p in t.postings]


def test_a_gift_converted_in_the_same_download_is_booked_in_pounds(tmp_path):
    main = write_books(tmp_path / "books")
    got = build(main, write(tmp_path, "one.csv", [GIFT, *CONVERTED]))
    gift = got["paypal:7PP00002"]
    # rate 18.73 / 23.80: the 23.80 net is 18.73, the 1.20 fee 0.944... -> 0.94, and the
    # gift's income the rest, booked in pounds: 18.73 + 0.94 = 19.67, so the entry
    # balances in pounds
    assert legs(gift) == [
        (PAYPAL, D("23.80"), "USD", (D("18.73"), "GBP")),
        (FEES, D("1.20"), "USD", (D("0.94"), "GBP")),
        (INCOME, D("-19.67"), "GBP", None),
    ]
    conv = got["paypal:7PP00003"]
    assert conv.date == datetime.date(2023, 2, 1)  # the earlier of the two rows
    assert legs(conv) == [(PAYPAL, D("-23.80"), "USD", (D("18.73"), "GBP")),
                          (PAYPAL, D("18.73"), "GBP", None)]
    assert not any(k.endswith(paypal.RESTATED) for k in got)


def test_a_gift_converted_in_a_later_download_is_restated_on_its_own_day(tmp_path):
    main = write_books(tmp_path / "books", '2017-01-01 custom "fundledger-source" "paypal"\n'
                       '  fund: "case"\n')
    january = build(main, write(tmp_path, "jan.csv", [GIFT]))
    text = render(january["paypal:7PP00002"])
    [entry], errors, _o = parser.parse_string(text)
    assert not errors
    assert {p.units.currency for p in entry.postings} == {"USD"}  # no conversion here
    donor = entry.meta["donor"]
    with main.open("a") as f:
        f.write("\n" + text + "\n")
    got = build(main, write(tmp_path, "feb.csv", CONVERTED))
    assert "paypal:7PP00002" not in got  # the books keep January's entry as it is
    r = got["paypal:7PP00003" + paypal.RESTATED]
    meta = dict(r.meta)
    assert r.date == datetime.date(2023, 1, 31)  # the day the gift was received
    assert (meta["fund"], meta["donor"], meta["converts"]) == ("case", donor,
                                                                "paypal:7PP00002")
    assert meta["rate"] == D("0.786975")  # 18.73 / 23.80 to 6 figures, for reading
    # each dollar posting reversed, and booked again priced in pounds
    assert sorted(legs(r), key=str) == sorted([
        (PAYPAL, D("-23.80"), "USD", None), (PAYPAL, D("23.80"), "USD", (D("18.73"), "GBP")),
        (FEES, D("-1.20"), "USD", None), (FEES, D("1.20"), "USD", (D("0.94"), "GBP")),
        (INCOME, D("25.00"), "USD", None), (INCOME, D("-19.67"), "GBP", None),
    ], key=str)


def test_pounds_changed_into_dollars_price_the_dollar_payment(tmp_path):
    """A payment out in dollars, paid from pounds PayPal converted: the payment's dollars
    are priced in pounds at the conversion's rate (80.00 GBP for 100.00 USD), and its
    expense is the pounds."""
    payment = Txn(datetime.date(2023, 3, 1), "Host", "Hosting", [], import_id="paypal:9")
    payment.postings += [Post(PAYPAL, D("-100.00"), "USD"),
                         Post("Expenses:Running:Hosting", D("100.00"), "USD")]
    # the conversion as its rows give it: gave 80.00 GBP, got 100.00 USD
    assert paypal.price_either(payment, D("-80.00"), "GBP", D("100.00"), "USD")
    assert legs(payment) == [(PAYPAL, D("-100.00"), "USD", (D("80.00"), "GBP")),
                             ("Expenses:Running:Hosting", D("80.00"), "GBP", None)]


def test_a_payment_already_priced_or_in_another_currency_is_left_alone():
    priced = Txn(datetime.date(2023, 3, 1), "", "", [])
    priced.postings += [Post(PAYPAL, D("10.00"), "USD", (D("8.00"), "GBP")),
                        Post(INCOME, D("-10.00"), "USD", (D("8.00"), "GBP"))]
    assert not paypal.price_at_conversion(priced, D("-10.00"), "USD", D("7.00"), "GBP")
    assert priced.postings[0].price == (D("8.00"), "GBP")
    euros = Txn(datetime.date(2023, 3, 1), "", "", [])
    euros.postings += [Post(PAYPAL, D("10.00"), "EUR"), Post(INCOME, D("-10.00"), "EUR")]
    assert not paypal.price_either(euros, D("-10.00"), "USD", D("7.00"), "GBP")
    assert all(p.price is None for p in euros.postings)


def test_a_restated_posting_keeps_the_fund_it_was_booked_to(tmp_path):
    """A gift booked to the case with its fee charged to general funds (by hand, before the
    conversion arrived): restated in pounds, the fee's postings stay general's, and the
    rest stay the case's (the transaction's fund, so no fund of their own)."""
    main = write_books(tmp_path / "books", '2017-01-01 custom "fundledger-source" "paypal"\n'
                       '  fund: "case"\n')
    text = render(build(main, write(tmp_path, "jan.csv", [GIFT]))["paypal:7PP00002"])
    text = text.replace("  Expenses:Fees:Payment                    1.20 USD\n",
                        '  Expenses:Fees:Payment                    1.20 USD\n'
                        '    fund: "general"\n')
    assert 'fund: "general"' in text
    with main.open("a") as f:
        f.write("\n" + text + "\n")
    load_clean(main)
    r = build(main, write(tmp_path, "feb.csv", CONVERTED))["paypal:7PP00003" + paypal.RESTATED]
    assert dict(r.meta)["fund"] == "case"
    funds = sorted((p.account, p.currency, p.price is not None, dict(p.meta).get("fund"))
                   for p in r.postings)
    assert funds == [(PAYPAL, "USD", False, None), (PAYPAL, "USD", True, None),
                     (FEES, "USD", False, "general"), (FEES, "USD", True, "general"),
                     (INCOME, "GBP", False, None), (INCOME, "USD", False, None)]


def test_a_rate_of_millionths_is_written_out_for_reading():
    """2,000,000.00 VND changed into 5.00 GBP: 0.0000025 a dong, written as beancount reads
    it (not 2.5E-6); a rate too small to write so (1E-7 and less) is left out."""
    b = SimpleNamespace(p=SimpleNamespace(name="paypal"))
    payment = Txn(datetime.date(2023, 3, 1), "PayPal", "Donation",
                  [("fund", "case")], import_id="paypal:V1")
    payment.postings += [Post(PAYPAL, D("2000000.00"), "VND"),
                         Post(INCOME, D("-2000000.00"), "VND")]
    conv = Txn(datetime.date(2023, 3, 2), "PayPal", "", [("import-id", "paypal:C1")],
               import_id="paypal:C1", row=3)
    r = paypal.restate(b, conv, "V1", payment, D("-2000000.00"), "VND", D("5.00"), "GBP")
    assert dict(r.meta)["rate"] == D("0.0000025")
    assert str(dict(r.meta)["rate"]) == "0.0000025"
    tiny = paypal.restate(b, conv, "V1", payment, D("-2000000.00"), "VND", D("0.10"), "GBP")
    assert "rate" not in dict(tiny.meta)  # 0.00000005
