"""Small deterministic helpers: exact apportionment, day numbers, identifiers."""
from datetime import date, datetime

from reference.identifiers import make_number

INF = 10 ** 9  # a day number later than any date


def apportion(total, weights):
    """Split the integer ``total`` in proportion to ``weights`` exactly (largest remainder)."""
    weights = [max(float(w), 0.0) for w in weights]
    if not weights:
        return []
    whole = sum(weights)
    if whole <= 0:
        weights, whole = [1.0] * len(weights), float(len(weights))
    quotas = [total * w / whole for w in weights]
    shares = [int(q) for q in quotas]
    order = sorted(range(len(weights)), key=lambda i: (shares[i] - quotas[i], i))
    for i in order[:total - sum(shares)]:
        shares[i] += 1
    return shares


def day(value):
    """Return the day number of a date."""
    return value.toordinal()


def as_date(number):
    """Return the date of a day number (None stays None)."""
    return None if number is None else date.fromordinal(number)


def as_datetime(number, hour=10):
    """Return a fixed time of day on a day number, for created_at-style columns."""
    moment = date.fromordinal(number)
    return datetime(moment.year, moment.month, moment.day, hour)


def uniform_day(rng, first, last):
    """Return a random day number between two day numbers inclusive."""
    return rng.randint(first, max(first, last))


def add_years(value, years):
    """Return the date ``years`` later (28 February for 29 February)."""
    try:
        return value.replace(year=value.year + years)
    except ValueError:
        return value.replace(year=value.year + years, day=28)


class Identifiers:
    """Unique BINs and IINs with valid check digits."""

    def __init__(self, rng):
        self.rng = rng
        self.used = set()

    def _unique(self, prefix, width):
        while True:
            number = make_number(prefix + f"{self.rng.randrange(10 ** width):0{width}d}")
            if number is not None and number not in self.used:
                self.used.add(number)
                return number

    def bin(self, registered):
        """Return a BIN: year and month of registration, legal-entity digits, serial."""
        return self._unique(f"{registered.year % 100:02d}{registered.month:02d}40", 5)

    def iin(self, born, gender):
        """Return an IIN agreeing with the birth date and gender (CENTURY_GENDER)."""
        century = (3 if gender == "M" else 4) if born.year < 2000 else (5 if gender == "M" else 6)
        return self._unique(f"{born.year % 100:02d}{born.month:02d}{born.day:02d}{century}", 4)
