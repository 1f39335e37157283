from decimal import Decimal

from reports import render


def test_formula_injection_is_neutralised():
    text = render.write_csv(["name", "amount"], [["=HYPERLINK(\"x\")", Decimal("-1.50")],
                                                 ["@SUM(A1)", Decimal(2)],
                                                 ["plain", Decimal("3.10")]])
    lines = text.splitlines()
    assert lines[1].startswith("\"'=HYPERLINK")
    assert lines[1].endswith(",-1.50")  # a negative amount stays a number
    assert lines[2] == "'@SUM(A1),2"
    assert lines[3] == "plain,3.10"


def test_jsonable_keeps_decimals_exact():
    data = render.jsonable({"a": Decimal("0.10") + Decimal("0.20"), "b": [Decimal("1E+2")]})
    assert data == {"a": "0.30", "b": ["1E+2"]}


def test_money_is_exact():
    assert render.money(Decimal("1234.5"), "GBP") == "1,234.50 GBP"
    # float(2.675) is 2.67499..., so a float path would print 2.67.
    assert render.money(Decimal("2.675")) == "2.68"


def test_minus_led_text_that_is_not_a_number_is_quoted():
    assert render.safe_cell("-1+2") == "'-1+2"
    assert render.safe_cell("-2.50") == "-2.50"
    assert render.safe_cell("+44 20 7946 0000") == "'+44 20 7946 0000"
