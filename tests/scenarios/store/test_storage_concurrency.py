"""Several processes writing to one store at once, as app replicas do.

Runs on SQLite and on PostgreSQL (the ``store_url`` fixture); on PostgreSQL
this is what two or more replicas behind a load balancer do to one database.
"""

import multiprocessing

from scenarios.store.cases import CaseStore, DuplicateCaseError

PROCESSES = 8
SAVES = 25


def _writer(url, k, start, results):
    store = CaseStore(url)
    start.wait(timeout=60)
    for i in range(SAVES):
        store.save("headphone_pricing", f"w{k}-{i}", {"unit_cost": i})
    start.wait(timeout=60)  # then every writer goes for the same name at once
    try:
        store.save("headphone_pricing", "Raced", {"unit_cost": k})
        results.put((k, "saved"))
    except DuplicateCaseError:
        results.put((k, "duplicate"))
    # A pair of writers racing on a name of their own.
    start.wait(timeout=60)
    try:
        store.save("uber_surge", f"pair-{k // 2}", {"demand_multiplier": 1 + k})
        results.put((k, "pair saved"))
    except DuplicateCaseError:
        results.put((k, "pair duplicate"))


def test_eight_processes_saving_25_each_lose_nothing_and_race_fairly(store_url):
    url = store_url.render_as_string(hide_password=False)
    CaseStore(url).check()  # tables made before the rush, as the first visit would
    ctx = multiprocessing.get_context("spawn")
    start = ctx.Barrier(PROCESSES)
    results = ctx.Queue()
    procs = [
        ctx.Process(target=_writer, args=(url, k, start, results))
        for k in range(PROCESSES)
    ]
    for p in procs:
        p.start()
    outcomes = [results.get(timeout=240) for _ in range(2 * PROCESSES)]
    for p in procs:
        p.join(timeout=60)
    assert [p.exitcode for p in procs] == [0] * PROCESSES

    store = CaseStore(url)
    mine = [c for c in store.list("headphone_pricing") if c.name != "Raced"]
    assert len(mine) == PROCESSES * SAVES == 200
    assert {c.name for c in mine} == {
        f"w{k}-{i}" for k in range(PROCESSES) for i in range(SAVES)
    }
    assert len({c.id for c in mine}) == 200
    assert all(c.params == {"unit_cost": float(c.name.split("-")[1])} for c in mine)

    raced = [o for _, o in outcomes if o in ("saved", "duplicate")]
    assert sorted(raced) == ["duplicate"] * (PROCESSES - 1) + ["saved"]
    winner = next(k for k, o in outcomes if o == "saved")
    assert store.find("headphone_pricing", "Raced").params == {"unit_cost": winner}

    pairs = store.list("uber_surge")
    assert sorted(c.name for c in pairs) == [f"pair-{j}" for j in range(4)]
    for j in range(4):
        won = [k for k, o in outcomes if o == "pair saved" and k // 2 == j]
        assert len(won) == 1
        saved = store.find("uber_surge", f"pair-{j}")
        assert saved.params == {"demand_multiplier": 1.0 + won[0]}
