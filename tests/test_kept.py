"""What is kept per content version: in the shared cache, and in this process's memory."""

import pytest
from django.core.cache import cache

from guide.models import Skill
from guide.serving import kept
from tests.factories import HOME, SKILLS


def test_what_is_recalled_comes_from_memory_once_seen():
    kept.keep("version:1:r:part", ("html",), 60)
    cache.clear()  # another node's edit would move the version, never clear this key
    assert kept.recall("version:1:r:part") == ("html",)
    kept.forget_recent()
    assert kept.recall("version:1:r:part") is None


def test_what_another_process_kept_is_found_in_the_shared_cache():
    cache.set("version:2:r:part", ("shared",), 60)
    assert kept.recall("version:2:r:part") == ("shared",)
    cache.delete("version:2:r:part")
    assert kept.recall("version:2:r:part") == ("shared",)  # and remembered here


def test_memory_is_bounded():
    keys = [f"version:1:r:{number}" for number in range(kept.RECENT_LIMIT + 10)]
    for number, key in enumerate(keys):
        kept.keep(key, number, 60)
    cache.clear()  # what is still found now is what this process remembers
    remembered = [key for key in keys if kept.recall(key) is not None]
    assert 0 < len(remembered) <= kept.RECENT_LIMIT


def test_a_kept_page_is_served_from_memory_with_one_query(
    client, content, django_assert_max_num_queries
):
    client.get(SKILLS)
    cache.clear()
    with django_assert_max_num_queries(1):  # the content version
        assert "Docker" in client.get(SKILLS).text


@pytest.mark.parametrize("url", [SKILLS, HOME])
def test_an_edit_is_never_hidden_by_memory(client, content, url):
    assert "Docker" in client.get(url).text
    docker = Skill.objects.get(slug="docker")
    docker.name = "Docker, renamed"
    docker.save()
    assert "Docker, renamed" in client.get(url).text
