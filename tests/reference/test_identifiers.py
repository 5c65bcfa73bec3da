"""BIN and IIN check digits, against DESIGN.md section 9's definition written out plainly."""
import pytest
from hypothesis import given
from hypothesis import strategies as st

from reference.identifiers import check_digit, is_valid_number, make_number

ELEVEN = st.text(alphabet="0123456789", min_size=11, max_size=11)


def by_the_definition(digits):
    """Σ dᵢ·i (i = 1..11) mod 11; at 10, again with the weights 3..11, 1, 2; at 10 again, none."""
    first = sum(int(d) * i for i, d in enumerate(digits, start=1)) % 11
    if first != 10:
        return first
    second = sum(int(d) * w for d, w in zip(digits, (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2))) % 11
    return None if second == 10 else second


@given(ELEVEN)
def test_the_check_digit_is_the_definitions(digits):
    assert check_digit(digits) == by_the_definition(digits)


@given(ELEVEN, st.integers(0, 9))
def test_a_number_is_valid_with_its_own_check_digit_only(digits, last):
    expected = by_the_definition(digits)
    assert is_valid_number(digits + str(last)) == (expected == last)
    if expected is not None:
        assert make_number(digits) == digits + str(expected)


@pytest.mark.parametrize("value", ["", "1234567890", "123456789012", "١٢٣٤٥٦٧٨٩٠١",
                                   "12345 678901", "1234567890a"])
def test_anything_but_eleven_ascii_digits_has_no_check_digit(value):
    with pytest.raises(ValueError):
        check_digit(value)
    assert not is_valid_number(value + "0")
