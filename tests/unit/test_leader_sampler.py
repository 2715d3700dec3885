"""The drill's reading of who leads (bench/multiworker.py), from samples of pg_locks."""

from __future__ import annotations

from bench.multiworker import LeaderSampler


def _sampled(*rows: list[tuple[str, int]]) -> LeaderSampler:
    sampler = LeaderSampler("postgresql://unused")
    for n, holders in enumerate(rows):
        sampler.record(n * 0.1, holders)
    return sampler


def test_a_lead_passing_between_two_samples_is_a_handover_without_a_vacancy() -> None:
    # The leader (w1, backend 101) is killed and w2 takes the lock before the next sample.
    sampler = _sampled([], [("w1", 101)], [("w1", 101)], [("w2", 202)], [("w2", 202)])

    assert sampler.vacancies() == []
    assert sampler.handovers() == 1
    assert sampler.current() == ("w2",)


def test_a_restarted_worker_taking_the_lock_back_is_a_handover_too() -> None:
    # Same name, new process: only the backend's pid tells the two leaders apart.
    sampler = _sampled([("w1", 101)], [], [], [("w1", 303)])

    assert sampler.handovers() == 1
    assert [round(span, 1) for span in sampler.vacancies()] == [0.2]


def test_the_first_leader_and_a_steady_lead_are_no_handover() -> None:
    sampler = _sampled([], [], [("w1", 101)], [("w1", 101)], [("w1", 101)])

    assert sampler.handovers() == 0
    assert sampler.vacancies() == []
    assert sampler.most_at_once() == 1
