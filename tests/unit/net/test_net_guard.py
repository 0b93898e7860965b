"""The network policy travels to checking processes unchanged."""

from __future__ import annotations

import pickle

import pytest

from thera_sdk.net import NetworkPolicy


def test_a_policy_survives_pickling_for_checking_processes() -> None:
    policy = NetworkPolicy(dial_map={("203.0.113.1", 80): ("127.0.0.1", 8080)})
    copy = pickle.loads(pickle.dumps(policy))
    assert copy == policy
    assert copy.dial_map[("203.0.113.1", 80)] == ("127.0.0.1", 8080)
    with pytest.raises(TypeError):
        copy.dial_map[("203.0.113.2", 80)] = ("127.0.0.1", 1)  # type: ignore[index]
    assert pickle.loads(pickle.dumps(NetworkPolicy())) == NetworkPolicy()
