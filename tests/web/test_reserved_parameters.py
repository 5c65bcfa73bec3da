"""A query string naming the link builder's own parameters is refused, in the user's language,
before a pager or a sort link builds its links from it."""
import pytest



@pytest.mark.parametrize("name", ["endpoint", "_external", "_scheme", "_anchor", "_method"])
def test_a_link_builder_parameter_is_a_400_with_a_message(client, auth, world, name):
    auth.login("inspector_a")
    client.post("/language", data={"lang": "ru"})
    answer = client.get(f"/market/roster?{name}=x&page=1")
    assert answer.status_code == 400
    page = answer.get_data(as_text=True)
    assert "Адрес содержит параметр, который сайт не принимает" in page and name in page


def test_the_roster_with_its_own_parameters_still_reads(client, auth, world):
    auth.login("inspector_a")
    assert client.get("/market/roster?q=a&page=1&sort=-name").status_code == 200
