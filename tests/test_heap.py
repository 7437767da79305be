"""Startup's objects are left out of later collections while the bot runs, and handed back
afterwards (a process that builds another app must be able to free the first)."""

from __future__ import annotations

import gc
import weakref

from groundswell.heap import startup_frozen


def tracked(thing: object) -> bool:
    """Whether the collector's generations hold ``thing`` (frozen objects are in none)."""
    return any(o is thing for o in gc.get_objects())


def test_startup_objects_are_frozen_then_handed_back() -> None:
    built_at_start: list[object] = [object()]
    with startup_frozen():
        made_by_a_message: list[object] = [object()]
        assert not tracked(built_at_start)
        assert tracked(made_by_a_message)
    assert tracked(built_at_start)


class Node:
    me: Node | None = None


def test_garbage_left_by_startup_is_collected_not_frozen() -> None:
    """Frozen, an unreachable cycle would stay for the life of the process."""
    node = Node()
    node.me = node
    ref = weakref.ref(node)
    del node
    with startup_frozen():
        assert ref() is None
