"""BIN and IIN check digits (DESIGN.md section 9) and what an IIN encodes."""
from datetime import date
from operator import mul

FIRST_WEIGHTS = tuple(range(1, 12))
SECOND_WEIGHTS = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)
WEIGHTS = tuple((weights, ord("0") * sum(weights)) for weights in (FIRST_WEIGHTS, SECOND_WEIGHTS))

# The IIN's 7th digit: century of birth and gender.
CENTURY_GENDER = {"1": (1800, "M"), "2": (1800, "F"), "3": (1900, "M"), "4": (1900, "F"),
                  "5": (2000, "M"), "6": (2000, "F")}


def check_digit(first_eleven):
    """Return the control digit for 11 digits, or None when no digit is valid.

    The sums are taken over the digits' ASCII codes (one pass in C, no int per digit) less
    48 times the weights' sum, which is the same remainder."""
    if len(first_eleven) != 11 or not (first_eleven.isascii() and first_eleven.isdigit()):
        raise ValueError("11 digits expected")
    codes = first_eleven.encode()
    for weights, offset in WEIGHTS:
        remainder = (sum(map(mul, codes, weights)) - offset) % 11
        if remainder != 10:
            return remainder
    return None


def is_valid_number(value):
    """Say whether a value is 12 digits with a correct control digit (BIN or IIN)."""
    if not isinstance(value, str) or len(value) != 12 or not value.isascii() or not value.isdigit():
        return False
    expected = check_digit(value[:11])
    return expected is not None and expected == int(value[11])


def iin_birth_and_gender(iin):
    """Return (birth date, gender) encoded in a valid IIN, or None if they make no sense."""
    if not is_valid_number(iin) or iin[6] not in CENTURY_GENDER:
        return None
    century, gender = CENTURY_GENDER[iin[6]]
    try:
        born = date(century + int(iin[0:2]), int(iin[2:4]), int(iin[4:6]))
    except ValueError:
        return None
    return born, gender


def make_number(first_eleven):
    """Append the control digit to 11 digits; None if those digits admit none."""
    digit = check_digit(first_eleven)
    return None if digit is None else first_eleven + str(digit)
