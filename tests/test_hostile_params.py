"""No query parameter and no id in a path reaches a server error, for any role.

Every GET URL of the access matrix is first asked once to learn which query parameters
its view reads (recorded on QueryDict itself), then each of those parameters gets every
hostile value, alone and repeated. A new parameter is fuzzed without being listed here.
"""

import pytest
from django.http import QueryDict
from django.urls import reverse

from tests.matrix.test_access_matrix import TARGETS
from tests.matrix.worlds import build_world

pytestmark = pytest.mark.django_db

HOSTILE = [
    "²",  # a superscript digit: str.isdigit() says yes, int() says no
    "٣",  # an Arabic-Indic digit: int() takes it, it is no id anyone typed
    "１２",  # full-width digits
    "𝟙",
    "99999999999999999999999",  # beyond any database integer
    "9223372036854775808",  # 2**63
    "-1",
    "-99999999999999999999999",
    "0",
    "",
    " 1",
    "1.5",
    "1e308",
    "NaN",
    "inf",
    "\x00",
    "1\x00",
    "x" * 5000,
    "9" * 5000,
    "[]",
    "{}",
    "' OR 1=1 --",
    "%",
    "<script>",
    "internal",
    "public",
]
# Repeated parameters: .get() takes the last, .getlist() all of them.
LISTS = [["1", "²"], ["²", "1"], ["1", "99999999999999999999999"], ["", ""], ["1", "\x00"]]
ROLES = [None, "alice", "owen", "lena", "olivia"]
GETS = sorted(name for name, (_, method, _) in TARGETS.items() if method == "GET")


@pytest.fixture
def world(ledger_a, cast, settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"  # uploads waiting for their preview
    return build_world(ledger_a, cast)


def url_of(world, name: str, pk=None) -> str:
    obj, _, extra = TARGETS[name]
    kwargs = dict(extra)
    if obj:
        kwargs["pk"] = pk if pk is not None else world[obj]
    return reverse(name, kwargs=kwargs)


@pytest.fixture
def read_names(monkeypatch):
    """The names every QueryDict is asked for while the fixture's set is being filled."""
    names: set[str] = set()
    get_item, get_list = QueryDict.__getitem__, QueryDict._getlist

    def item(self, key):
        names.add(key)
        return get_item(self, key)

    def listed(self, key, *args, **kwargs):
        names.add(key)
        return get_list(self, key, *args, **kwargs)

    monkeypatch.setattr(QueryDict, "__getitem__", item)
    monkeypatch.setattr(QueryDict, "_getlist", listed)
    return names


def answer(client, url: str, params: dict) -> int:
    response = client.get(url, params)
    if hasattr(response, "streaming_content"):
        b"".join(response.streaming_content)
    return response.status_code


@pytest.mark.parametrize("role", ROLES)
def test_no_query_parameter_reaches_a_server_error(role, world, login, read_names):
    client = login(role)
    failures, fuzzed = [], set()
    for name in GETS:
        url = url_of(world, name)
        read_names.clear()
        # A non-empty query string: forms bound to request.GET read their fields only then.
        assert answer(client, url, {"probe": "1"}) < 500, url
        params = sorted(read_names - {"probe"})
        for param in params:
            fuzzed.add(f"{name}?{param}")
            for sent in [*HOSTILE, *LISTS]:
                status = answer(client, url, {param: sent})
                if status >= 500:
                    failures.append((url, param, sent, status))
    assert failures == []
    if role is None:  # the public pages read these: a test that fuzzes nothing proves nothing
        assert {"disclosure:notice-list?unit", "disclosure:notice-list?page"} <= fuzzed
    if role == "olivia":
        assert {"oversight:dashboard?unit", "disclosure:comment-list?unit"} <= fuzzed


@pytest.mark.parametrize("role", [None, "olivia"])
@pytest.mark.parametrize("pk", [10**20, 2**63, 2**63 - 1, 0])
def test_no_id_in_a_path_reaches_a_server_error(role, pk, world, login):
    client = login(role)
    for name, (obj, method, _) in sorted(TARGETS.items()):
        if obj is None:
            continue
        url = url_of(world, name, pk)
        status = answer(client, url, {}) if method == "GET" else client.post(url).status_code
        assert status in (302, 400, 403, 404, 405), (url, status)


@pytest.mark.parametrize("url", ["/public/?unit=%C2%B2", "/public/?unit=99999999999999999999999"])
def test_the_reported_public_urls_answer(client, world, url):
    assert client.get(url).status_code == 200
    client.force_login(world_user("olivia"))
    comments = url.replace("/public/", "/public/comments/")
    assert client.get(comments).status_code == 200


def world_user(name):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=name)


@pytest.mark.parametrize("query", ["unit=%00", "round=a%00b", "q=%00&page=1"])
def test_a_nul_in_the_query_string_is_refused_in_chinese(client, query):
    response = client.get(f"/public/?{query}")
    assert response.status_code == 400
    assert "链接中含有不允许的字符" in response.content.decode()
