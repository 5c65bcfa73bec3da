"""flask create-user: password policy and the scope each role needs."""
import pytest
from sqlalchemy import select

from accounts.models import User
from extensions import db

GOOD = "a long enough passphrase"


def _run(runner, *args, password=GOOD):
    return runner.invoke(args=["create-user", *args], env={"MARKETPLACE_PASSWORD": password})


def _user(login):
    db.session.expire_all()
    return db.session.scalars(select(User).where(User.login == login)).first()


def test_creates_each_role_with_its_scope(runner, world):
    cases = [
        (["--role", "admin", "--login", "boss"], {}),
        (["--role", "analyst", "--login", "nation"], {"region_id": None}),
        (["--role", "analyst", "--login", "regional", "--region", "KZ-71"],
         {"region_id": world.facility_a.region_id}),
        (["--role", "inspector", "--login", "insp", "--facility", "FB"],
         {"facility_id": world.facility_b.id}),
        (["--role", "owner", "--login", "own", "--enterprise", world.sme_b.bin],
         {"enterprise_id": world.sme_b.id}),
    ]
    for args, scope in cases:
        result = _run(runner, *args)
        assert result.exit_code == 0, result.output
        user = _user(args[3])
        assert user.role == args[1]
        for name, value in scope.items():
            assert getattr(user, name) == value


@pytest.mark.parametrize("args, message", [
    (["--role", "inspector", "--login", "x1"], "needs --facility"),
    (["--role", "owner", "--login", "x2"], "needs --enterprise"),
    (["--role", "admin", "--login", "x3", "--facility", "FA"], "takes no --facility"),
    (["--role", "analyst", "--login", "x4", "--facility", "FA"], "takes no --facility"),
    (["--role", "inspector", "--login", "x5", "--facility", "FA", "--region", "KZ-71"],
     "takes no --region"),
    (["--role", "inspector", "--login", "x6", "--facility", "NOPE"], "unknown facility"),
    (["--role", "owner", "--login", "x7", "--enterprise", "000000000000"], "unknown enterprise"),
    (["--role", "analyst", "--login", "x8", "--region", "KZ-00"], "unknown region"),
    (["--role", "analyst", "--login", "admin"], "is taken"),
])
def test_refuses_wrong_scope(runner, world, args, message):
    result = _run(runner, *args)
    assert result.exit_code != 0 and message in result.output
    assert args[3] == "admin" or _user(args[3]) is None


@pytest.mark.parametrize("password, message", [
    ("short", "at least 12"), ("newanalyst-2020", "must not contain the login"),
    ("Password2024!", "too common")])
def test_enforces_the_password_policy(runner, world, password, message):
    result = _run(runner, "--role", "analyst", "--login", "NewAnalyst", password=password)
    assert result.exit_code != 0 and message in result.output
    assert _user("newanalyst") is None


def test_reads_the_password_from_a_prompt(runner, world, monkeypatch):
    monkeypatch.delenv("MARKETPLACE_PASSWORD", raising=False)
    result = runner.invoke(args=["create-user", "--role", "admin", "--login", "prompted"],
                           input=f"{GOOD}\n{GOOD}\n")
    assert result.exit_code == 0, result.output
    assert GOOD not in result.output


def test_created_user_logs_in(runner, client, world):
    _run(runner, "--role", "inspector", "--login", "Demo.Inspector", "--facility", "FA")
    response = client.post("/login", data={"login": "demo.inspector", "password": GOOD})
    assert response.status_code == 302 and client.get("/").status_code == 200
