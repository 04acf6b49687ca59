"""Token buckets, each command's budget, and the limits as settings."""

from __future__ import annotations

import pytest

from webapp.chat.errors import ChatError
from webapp.realtime import limits
from webapp.realtime.commands import AnyCommand, CreateRoom, RenameUser
from webapp.realtime.limits import Bucket, Limiter
from webapp.settings import Rate, Settings, SettingsError


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_bucket_allows_a_burst_then_refills_evenly() -> None:
    clock = Clock()
    bucket = Bucket(Rate(3, 6), clock)
    assert [bucket.take() for _ in range(4)] == [True, True, True, False]
    clock.now += 1.9
    assert not bucket.take()
    clock.now += 0.1  # one token every 2 s
    assert bucket.take() and not bucket.take()
    clock.now += 3600
    assert [bucket.take() for _ in range(4)] == [True, True, True, False]  # never more than the burst


def test_limits_are_per_identity_and_per_kind() -> None:
    limiter = Limiter(Settings(rate_rooms=Rate(1, 60), rate_edits=Rate(2, 60)), Clock())
    limiter.admit(1, CreateRoom(name="a"))
    with pytest.raises(ChatError) as refused:
        limiter.admit(1, CreateRoom(name="b"))
    assert refused.value.code == "rate_limited"
    limiter.admit(2, CreateRoom(name="c"))  # another identity: its own bucket
    limiter.admit(1, RenameUser(name="d"))  # another kind: its own bucket
    limiter.admit(1, RenameUser(name="e"))
    with pytest.raises(ChatError):
        limiter.admit(1, RenameUser(name="f"))


def test_every_command_draws_on_a_budget_the_limiter_has() -> None:
    budgets = {command.budget for command in AnyCommand.__args__}
    assert budgets == set(Limiter(Settings()).rates)


def test_refilled_identity_buckets_are_forgotten(monkeypatch) -> None:
    monkeypatch.setattr(limits, "PRUNE_AT", 10)
    clock = Clock()
    limiter = Limiter(Settings(rate_edits=Rate(5, 5)), clock)
    for user_id in range(10):
        limiter.admit(user_id, RenameUser(name="x"))
    clock.now += 60
    limiter.admit(99, RenameUser(name="x"))
    assert len(limiter._buckets) == 1


def test_open_sockets_are_capped_per_identity() -> None:
    limiter = Limiter(Settings(sockets_per_identity=2))
    assert limiter.open_socket(1) and limiter.open_socket(1)
    assert not limiter.open_socket(1)
    assert limiter.open_socket(2)
    limiter.close_socket(1)
    assert limiter.open_socket(1)


def test_limits_are_settings_with_defaults() -> None:
    default = Settings.from_env({"SECRET_KEY": "k"})
    assert default.rate_messages == Rate(10, 10) and default.rooms_per_hour == 30 and default.sockets_per_identity == 20
    changed = Settings.from_env({"SECRET_KEY": "k", "RATE_MESSAGES": "5/2.5", "RATE_DRAWS": "100/1", "ROOMS_PER_HOUR": "3", "SOCKETS_PER_IDENTITY": "4"})
    assert (changed.rate_messages, changed.rate_draws, changed.rooms_per_hour, changed.sockets_per_identity) == (Rate(5, 2.5), Rate(100, 1), 3, 4)
    for bad in ("5", "five/1", "0/10", "5/0", "5/-1"):
        with pytest.raises(SettingsError, match="RATE_ROOMS"):
            Settings.from_env({"SECRET_KEY": "k", "RATE_ROOMS": bad})


def test_tries_at_the_moderator_key_are_few_per_address_and_come_back_slowly() -> None:
    clock = Clock()
    limiter = Limiter(Settings(), clock)
    tries = limits.KEY_ATTEMPTS.count
    assert [limiter.try_key("203.0.113.9") for _ in range(tries + 1)] == [True] * tries + [False]
    assert limiter.try_key("198.51.100.7")  # another address: its own tries
    limiter.admit(1, RenameUser(name="x"))  # the identities' budgets are apart from them
    clock.now += limits.KEY_ATTEMPTS.seconds / tries
    assert limiter.try_key("203.0.113.9") and not limiter.try_key("203.0.113.9")
