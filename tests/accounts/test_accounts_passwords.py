"""Password policy: length, login, common passwords."""
import pytest

from accounts.passwords import password_problems


@pytest.fixture
def ctx(app):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        yield


@pytest.mark.parametrize("password", ["Password123!", "QWERTY123456", "p@ssw0rd2024!",
                                      "1q2w3e4r5t6y", "Kazakhstan2025", "qwertyqwerty"])
def test_common_passwords_are_refused(ctx, password):
    assert any("common" in problem for problem in password_problems(password, "someone"))


def test_short_password_is_refused(ctx):
    assert password_problems("Tr0ub4dor&3", "someone") == [
        "The password must have at least 12 characters."]


@pytest.mark.parametrize("password", ["inspector.kz71", "INSPECTOR.KZ71", "xx-Inspector.kz71-yy"])
def test_password_with_login_is_refused(ctx, password):
    assert "The password must not contain the login." in password_problems(
        password, "Inspector.KZ71")


def test_good_password_passes(ctx):
    assert password_problems("correct horse battery staple", "admin") == []
