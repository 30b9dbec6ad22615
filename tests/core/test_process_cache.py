"""core.process_cache: a value is read once per max_age, None is cached only when asked, forget drops a key
and clear drops all."""

import time

from fangkong.core.process_cache import ProcessCache


def _loader(values):
    calls = []

    def load():
        calls.append(1)
        return values[len(calls) - 1]
    return load, calls


def test_a_value_is_read_again_only_after_max_age(monkeypatch):
    clock = [100.0]
    monkeypatch.setattr(time, "monotonic", lambda: clock[0])
    cache, (load, calls) = ProcessCache(), _loader(["a", "b"])
    assert cache.fetch("k", 10, load) == "a"
    clock[0] += 9.9
    assert cache.fetch("k", 10, load) == "a" and len(calls) == 1
    clock[0] += 0.1
    assert cache.fetch("k", 10, load) == "b" and len(calls) == 2


def test_none_is_cached_only_with_keep_none_and_drops_an_older_value(monkeypatch):
    clock = [100.0]
    monkeypatch.setattr(time, "monotonic", lambda: clock[0])
    cache, (load, calls) = ProcessCache(), _loader(["a", None, None, None])
    assert cache.fetch("k", 10, load) == "a"
    clock[0] += 10
    assert cache.fetch("k", 10, load) is None
    assert cache.fetch("k", 10, load) is None and len(calls) == 3  # not kept: read each time
    assert cache.fetch("other", 10, load, keep_none=True) is None
    assert cache.fetch("other", 10, lambda: "never read", keep_none=True) is None


def test_forget_one_key_clear_all_and_the_size_bound():
    cache = ProcessCache(size=2)
    cache.fetch("a", 10, lambda: 1)
    cache.fetch("b", 10, lambda: 2)
    cache.forget("a")
    assert cache.fetch("a", 10, lambda: 3) == 3 and cache.fetch("b", 10, lambda: 0) == 2
    cache.fetch("c", 10, lambda: 4)  # the third key: all dropped first
    assert cache.fetch("a", 10, lambda: 5) == 5 and cache.fetch("c", 10, lambda: 0) == 4
    cache.forget(None)  # a key like any other (a request without a session): drops nothing else
    assert cache.fetch("c", 10, lambda: 0) == 4
    cache.clear()
    assert cache.fetch("c", 10, lambda: 6) == 6
