"""Recipe benchmark, kazoo side (bench/recipes/recipe-bench.ts runs it with Debian's python3).

python3 kazoo_bench.py <connectString> <basePath> <mutexTotal> <cycles> <rounds> <countTotal>
Prints one JSON object (milliseconds and per-second rates) on stdout.

kazoo has no LeaderLatch and no SharedCount: the latch row uses kazoo's Election (a lock-based
election: the leader's function returning plays the part of close()), the count row a plain
compare-and-set loop (get, then set with the version read; re-read on BadVersionError).
"""
import json
import math
import sys
import threading
import time

from kazoo.client import KazooClient
from kazoo.exceptions import BadVersionError, NodeExistsError

out = {}


def session(connect_string):
    client = KazooClient(hosts=connect_string)
    client.start(timeout=30)
    return client


def pct(values, q):
    ordered = sorted(values)
    n = len(ordered)
    return ordered[max(0, min(n - 1, math.ceil(q * n) - 1))]


def ms(seconds):
    return seconds * 1000.0


def run_threads(targets):
    threads = [threading.Thread(target=t, daemon=True) for t in targets]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def contended(cs, path, total, n):
    clients = [session(cs) for _ in range(n)]
    state = {"taken": 0, "released_at": None}
    guard = threading.Lock()
    handoff = []

    def worker(client, i):
        lock = client.Lock(path, "w%d" % i)
        while True:
            lock.acquire()
            now = time.perf_counter()
            with guard:
                k = state["taken"]
                state["taken"] = k + 1
            if k >= total:
                lock.release()
                return
            if state["released_at"] is not None:
                handoff.append(ms(now - state["released_at"]))
            state["released_at"] = time.perf_counter()
            lock.release()

    start = time.perf_counter()
    run_threads([lambda c=c, i=i: worker(c, i) for i, c in enumerate(clients)])
    elapsed = time.perf_counter() - start
    for c in clients:
        c.stop()
        c.close()
    out["mutexPerSec"] = total / elapsed
    out["handoffP50"] = pct(handoff, 0.5)
    out["handoffP99"] = pct(handoff, 0.99)


def uncontended(cs, path, cycles, record):
    client = session(cs)
    lock = client.Lock(path, "solo")
    lat = []
    for _ in range(cycles):
        t0 = time.perf_counter()
        lock.acquire()
        lock.release()
        lat.append(ms(time.perf_counter() - t0))
    client.stop()
    client.close()
    if record:
        out["soloP50"] = pct(lat, 0.5)
        out["soloP99"] = pct(lat, 0.99)


def election_failover(cs, base, rounds):
    clients = [session(cs) for _ in range(3)]
    failover = []
    for r in range(rounds):
        path = "%s/latch-%d" % (base, r)
        resign = [threading.Event() for _ in clients]
        elected = []
        cond = threading.Condition()

        def lead(i):
            with cond:
                elected.append((i, time.perf_counter()))
                cond.notify_all()
            resign[i].wait()

        elections = [c.Election(path, "p%d" % i) for i, c in enumerate(clients)]
        threads = [threading.Thread(target=e.run, args=(lead, i), daemon=True) for i, e in enumerate(elections)]
        for t in threads:
            t.start()
        with cond:
            cond.wait_for(lambda: len(elected) >= 1, timeout=30)
            leader = elected[0][0]
            t0 = time.perf_counter()
            resign[leader].set()
            cond.wait_for(lambda: len(elected) >= 2, timeout=30)
            failover.append(ms(elected[1][1] - t0))
        for e in resign:
            e.set()
        for t in threads:
            t.join()
    for c in clients:
        c.stop()
        c.close()
    out["latchFailoverP50"] = pct(failover, 0.5)


def double_barrier(cs, base, rounds, members):
    clients = [session(cs) for _ in range(members)]
    times = []
    for r in range(rounds):
        path = "%s/barrier-%d" % (base, r)

        def member(client, i):
            barrier = client.DoubleBarrier(path, members, identifier="m%d" % i)
            barrier.enter()
            barrier.leave()

        t0 = time.perf_counter()
        run_threads([lambda c=c, i=i: member(c, i) for i, c in enumerate(clients)])
        times.append(ms(time.perf_counter() - t0))
    for c in clients:
        c.stop()
        c.close()
    out["barrierP50"] = pct(times, 0.5)


def shared_count(cs, path, total, n):
    clients = [session(cs) for _ in range(n)]
    try:
        clients[0].create(path, b"0")
    except NodeExistsError:
        pass
    attempts = [0]

    def worker(client):
        data, stat = client.get(path)
        while True:
            value = int(data)
            if value >= total:
                return
            attempts[0] += 1
            try:
                stat = client.set(path, str(value + 1).encode(), version=stat.version)
                data = str(value + 1).encode()
            except BadVersionError:
                data, stat = client.get(path)

    start = time.perf_counter()
    run_threads([lambda c=c: worker(c) for c in clients])
    elapsed = time.perf_counter() - start
    for c in clients:
        c.stop()
        c.close()
    out["countPerSec"] = total / elapsed
    out["countAttempts"] = attempts[0]


def main():
    cs, base = sys.argv[1], sys.argv[2]
    mutex_total, cycles, rounds, count_total = (int(x) for x in sys.argv[3:7])
    admin = session(cs)
    admin.ensure_path(base)
    admin.stop()
    admin.close()
    uncontended(cs, base + "/warm", min(100, cycles), False)
    contended(cs, base + "/mutex", mutex_total, 8)
    uncontended(cs, base + "/solo", cycles, True)
    election_failover(cs, base, rounds)
    double_barrier(cs, base, rounds, 5)
    shared_count(cs, base + "/count", count_total, 4)
    print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
