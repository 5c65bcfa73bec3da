"""Print the demo logins: ``python -m demo.logins`` (no app or database needed)."""
from .users import DEMO_USERS, URL


def table():
    """Return the demo logins as an aligned text table."""
    header = ("Role", "Login", "Password", "Scope")
    rows = [header] + [(u["role"], u["login"], u["password"], u["scope"]) for u in DEMO_USERS]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = [f"Demo logins for {URL}", ""]
    for number, row in enumerate(rows):
        lines.append("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())
        if number == 0:
            lines.append("  ".join("-" * width for width in widths))
    return "\n".join(lines)


if __name__ == "__main__":
    print(table())
