#!/usr/bin/python3
"""Interop scenario: kazoo (python-zk, not written by us) against a ZooKeeper-compatible server.

Usage: /usr/bin/python3 kazoo_scenario.py HOST:PORT

Runs every step under a fresh root znode, prints "ok <step>" or "FAIL <step>: <why>" for each,
and exits 0 only when every step passed (1 when one failed, 2 on bad usage or when kazoo is
missing, 3 when the watchdog fired). Standard library and kazoo only. Every wait is bounded.
"""

import os
import sys
import threading
import time
import traceback
import uuid

try:
    from kazoo.client import KazooClient
    from kazoo.exceptions import (
        BadVersionError,
        InvalidACLError,
        LockTimeout,
        NoAuthError,
        NoChildrenForEphemeralsError,
        NodeExistsError,
        NoNodeError,
        NotEmptyError,
        RolledBackError,
        RuntimeInconsistency,
    )
    from kazoo.protocol.states import EventType, KazooState, ZnodeStat
    from kazoo.recipe.cache import TreeCache, TreeEvent
    from kazoo.security import (
        OPEN_ACL_UNSAFE,
        Permissions,
        make_acl,
        make_digest_acl,
    )
except ImportError as error:
    print(f"kazoo is not importable ({error}): apt-get install python3-kazoo", file=sys.stderr)
    sys.exit(2)

# Bounds, in seconds. The whole run must stay under the test's 30 s.
SESSION_TIMEOUT = 4.0
CONNECT_TIMEOUT = 8.0
WAIT = 5.0
WATCHDOG = 26.0

TREE_ADDED, TREE_UPDATED, TREE_REMOVED = TreeEvent.NODE_ADDED, TreeEvent.NODE_UPDATED, TreeEvent.NODE_REMOVED
TREE_INITIALIZED = TreeEvent.INITIALIZED


class ScenarioFailure(AssertionError):
    """A step saw something a ZooKeeper server would not have produced."""


def check(condition, message):
    if not condition:
        raise ScenarioFailure(message)


def check_equal(actual, expected, what):
    if actual != expected:
        raise ScenarioFailure(f"{what}: expected {expected!r}, got {actual!r}")


def check_raises(error_type, what, fn, *args, **kwargs):
    try:
        result = fn(*args, **kwargs)
    except error_type:
        return
    except Exception as error:  # noqa: BLE001 -- any other outcome is the finding
        raise ScenarioFailure(f"{what}: expected {error_type.__name__}, got {type(error).__name__}: {error}")
    raise ScenarioFailure(f"{what}: expected {error_type.__name__}, got result {result!r}")


def wait_until(predicate, what, timeout=WAIT):
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise ScenarioFailure(f"timed out after {timeout}s waiting for {what}")
        time.sleep(0.02)


class Events:
    """A watcher that records what it receives (kazoo calls watchers on one callback thread)."""

    def __init__(self):
        self.received = []
        self._lock = threading.Lock()

    def __call__(self, event):
        with self._lock:
            self.received.append(event)

    def summary(self):
        with self._lock:
            return [(event.type, event.path) for event in self.received]


class Step:
    """Per-step resources: clients closed at the end, a unique base path."""

    def __init__(self, hosts, root, name):
        self.hosts = hosts
        self.base = f"{root}/{name}"
        self.clients = []

    def client(self, **options):
        options.setdefault("timeout", SESSION_TIMEOUT)
        options.setdefault("connection_retry", {"max_tries": -1, "delay": 0.05, "max_delay": 0.5})
        zk = KazooClient(hosts=self.hosts, **options)
        self.clients.append(zk)
        zk.start(timeout=CONNECT_TIMEOUT)
        return zk

    def close(self):
        for zk in self.clients:
            try:
                zk.stop()
                zk.close()
            except Exception:  # noqa: BLE001 -- cleanup of a failed step must not hide its failure
                pass


def fence(zk, base):
    """Returns once every watch event the server sent zk before now has been delivered.

    The server delivers events in order and kazoo dispatches watchers on one thread in order,
    so once the event of a node created now arrives, any earlier event has arrived too.
    """
    path = f"{base}/fence-{uuid.uuid4().hex}"
    fired = threading.Event()
    zk.exists(path, watch=lambda event: fired.set())
    zk.create(path)
    check(fired.wait(WAIT), f"the exists watch on {path} did not fire within {WAIT}s of its creation")
    zk.delete(path)


# --- steps ---------------------------------------------------------------------------------


def step_crud(s):
    zk = s.client()
    base = s.base
    zk.ensure_path(f"{base}/a/b/c")
    for path in (base, f"{base}/a", f"{base}/a/b", f"{base}/a/b/c"):
        check(zk.exists(path) is not None, f"ensure_path did not create {path}")
    zk.ensure_path(f"{base}/a/b/c")  # idempotent

    node = f"{base}/n"
    check_equal(zk.create(node, b"v0"), node, "create returns the path")
    data, stat = zk.get(node)
    check_equal(data, b"v0", "get data")
    check_equal((stat.version, stat.data_length, stat.numChildren, stat.ephemeralOwner), (0, 2, 0, 0), "new Stat")
    check_equal(stat.mzxid, stat.czxid, "new node mzxid")
    stat1 = zk.set(node, b"v1", version=0)
    check_equal(stat1.version, 1, "version after set(version=0)")
    check(stat1.mzxid > stat1.czxid, f"mzxid {stat1.mzxid} not above czxid {stat1.czxid} after set")
    check_raises(BadVersionError, "set with a stale version", zk.set, node, b"x", version=0)
    check_equal(zk.set(node, b"v2").version, 2, "version after set(version=-1)")
    check_raises(NodeExistsError, "create of an existing node", zk.create, node)
    check_raises(NoNodeError, "get of a missing node", zk.get, f"{base}/missing")
    check_raises(NoNodeError, "create under a missing parent", zk.create, f"{base}/missing/child")

    zk.create(f"{node}/kid")
    parent = zk.exists(node)
    check_equal((parent.numChildren, parent.cversion), (1, 1), "parent numChildren/cversion after a child create")
    check_raises(NotEmptyError, "delete of a node with a child", zk.delete, node)
    check_raises(BadVersionError, "delete with a wrong version", zk.delete, f"{node}/kid", version=5)
    zk.delete(f"{node}/kid", version=0)
    zk.delete(node, version=2)
    check(zk.exists(node) is None, "node still exists after delete")

    path, stat = zk.create(f"{base}/x/y/z", b"deep", makepath=True, include_data=True)
    check_equal(path, f"{base}/x/y/z", "create(makepath, include_data) path")
    check_equal(stat.data_length, 4, "create2 Stat dataLength")
    check_equal(sorted(zk.get_children(base)), ["a", "x"], "get_children")
    children, stat = zk.get_children(base, include_data=True)
    check_equal((sorted(children), stat.numChildren), (["a", "x"], 2), "get_children(include_data)")
    zk.delete(f"{base}/x", recursive=True)
    check(zk.exists(f"{base}/x") is None, "recursive delete left the subtree")

    big = os.urandom(512 * 1024)
    zk.create(f"{base}/big", big)
    check(zk.get(f"{base}/big")[0] == big, "a 512 KiB value did not round-trip")
    zk.create(f"{base}/empty", b"")
    check_equal(zk.get(f"{base}/empty")[0], b"", "empty value")


def step_ephemeral_and_sequence(s):
    zk = s.client()
    observer = s.client()
    base = s.base
    zk.ensure_path(base)
    session_id = zk.client_id[0]

    eph, stat = zk.create(f"{base}/e", b"mine", ephemeral=True, include_data=True)
    check_equal(stat.ephemeralOwner, session_id, "ephemeralOwner of an ephemeral node")
    check_equal(observer.exists(eph).ephemeralOwner, session_id, "ephemeralOwner seen by another session")
    check_raises(NoChildrenForEphemeralsError, "child of an ephemeral", zk.create, f"{eph}/child")

    seq = f"{base}/seq"
    zk.create(seq)
    names = [zk.create(f"{seq}/q-", sequence=True) for _ in range(3)]
    check_equal(names, [f"{seq}/q-{i:010d}" for i in range(3)], "sequential names from a fresh parent")
    # A delete raises the parent's cversion but not the next suffix (ZooKeeper 3.8 observed:
    # cversion 5 here, next suffix 4).
    zk.create(f"{seq}/plain")
    zk.delete(f"{seq}/plain")
    check_equal(zk.exists(seq).cversion, 5, "cversion after 4 creates and 1 delete")
    check_equal(zk.create(f"{seq}/q-", sequence=True), f"{seq}/q-{4:010d}", "sequence after create+delete")
    eseq = zk.create(f"{seq}/es-", ephemeral=True, sequence=True)
    check_equal(eseq, f"{seq}/es-{5:010d}", "ephemeral sequential name")
    check_equal(observer.exists(eseq).ephemeralOwner, session_id, "ephemeral sequential owner")

    zk.stop()
    check(observer.exists(eph) is None, f"{eph} survived its session's close")
    check(observer.exists(eseq) is None, f"{eseq} survived its session's close")
    check_equal(len(observer.get_children(seq)), 4, "persistent sequential nodes after the close")


def step_watches_fire_once(s):
    zk = s.client()
    writer = s.client()
    base = s.base
    zk.ensure_path(base)
    node = f"{base}/w"
    writer.create(node, b"0")

    data_events = Events()
    zk.get(node, watch=data_events)
    writer.set(node, b"1")
    writer.set(node, b"2")
    fence(zk, base)
    check_equal(data_events.summary(), [(EventType.CHANGED, node)], "data watch after two sets")

    child_events = Events()
    zk.get_children(node, watch=child_events)
    writer.create(f"{node}/c1")
    writer.create(f"{node}/c2")
    fence(zk, base)
    check_equal(child_events.summary(), [(EventType.CHILD, node)], "children watch after two creates")

    created = Events()
    check(zk.exists(f"{node}/new", watch=created) is None, "exists of a missing node")
    writer.create(f"{node}/new")
    writer.set(f"{node}/new", b"x")
    fence(zk, base)
    check_equal(created.summary(), [(EventType.CREATED, f"{node}/new")], "exists watch on a missing node")

    deleted_data = Events()
    deleted_children = Events()
    zk.get(f"{node}/new", watch=deleted_data)
    zk.get_children(f"{node}/new", watch=deleted_children)
    writer.delete(f"{node}/new")
    fence(zk, base)
    check_equal(deleted_data.summary(), [(EventType.DELETED, f"{node}/new")], "data watch on delete")
    check_equal(deleted_children.summary(), [(EventType.DELETED, f"{node}/new")], "children watch on delete")

    # kazoo's re-arming recipes: every change seen, in order.
    seen = []
    zk.DataWatch(node, lambda data, stat: seen.append(data))
    wait_until(lambda: seen == [b"2"], "DataWatch's first call")
    writer.set(node, b"3")
    wait_until(lambda: seen == [b"2", b"3"], f"DataWatch to see b'3' (saw {seen})")
    lists = []
    zk.ChildrenWatch(node, lambda children: lists.append(sorted(children)))
    writer.create(f"{node}/c3")
    wait_until(lambda: lists and lists[-1] == ["c1", "c2", "c3"], f"ChildrenWatch to see c3 (saw {lists})")


def step_transaction(s):
    zk = s.client()
    base = s.base
    zk.ensure_path(base)
    node = f"{base}/t"
    zk.create(node, b"a")

    tx = zk.transaction()
    tx.create(f"{base}/t1", b"x")
    tx.check(node, 0)
    tx.set_data(node, b"b", 0)
    results = tx.commit()
    check_equal(len(results), 3, f"result count of a committed transaction ({results!r})")
    check_equal(results[0], f"{base}/t1", "create result")
    check_equal(results[1], True, "check result")
    check(isinstance(results[2], ZnodeStat) and results[2].version == 1, f"set_data result: {results[2]!r}")
    check_equal(zk.get(node)[0], b"b", "data after the transaction")

    tx = zk.transaction()
    tx.create(f"{base}/t2")
    tx.set_data(node, b"c", 1)
    tx.check(node, 7)
    tx.delete(f"{base}/t1")
    results = tx.commit()
    kinds = [type(result).__name__ for result in results]
    expected = [RolledBackError, RolledBackError, BadVersionError, RuntimeInconsistency]
    check_equal(kinds, [kind.__name__ for kind in expected], "per-op results of a failing transaction")
    check(zk.exists(f"{base}/t2") is None, "the failed transaction created t2")
    data, stat = zk.get(node)
    check_equal((data, stat.version), (b"b", 1), "data/version after the failed transaction")
    check(zk.exists(f"{base}/t1") is not None, "the failed transaction deleted t1")

    tx = zk.transaction()
    tx.create(f"{base}/t3")
    tx.create(f"{base}/t1")  # exists
    results = tx.commit()
    check_equal(
        [type(result).__name__ for result in results],
        ["RolledBackError", "NodeExistsError"],
        "per-op results when a create fails",
    )
    check(zk.exists(f"{base}/t3") is None, "the failed transaction created t3")


def step_lock(s):
    first = s.client()
    second = s.client()
    path = f"{s.base}/lock"
    lock1 = first.Lock(path, "one")
    lock2 = second.Lock(path, "two")
    check(lock1.acquire(timeout=WAIT), "the first client did not get a free lock")

    holder = {"name": "one", "overlap": False}
    got = threading.Event()

    def contend():
        if lock2.acquire(timeout=2 * WAIT):
            if holder["name"] is not None:
                holder["overlap"] = True
            holder["name"] = "two"
            got.set()

    thread = threading.Thread(target=contend, daemon=True)
    thread.start()
    wait_until(lambda: lock1.contenders() == ["one", "two"], "the second contender's node")
    fence(first, s.base)
    check(not got.is_set() and not lock2.is_acquired, "the second client acquired a held lock")
    check_raises(LockTimeout, "a third acquire with a timeout", second.Lock(path, "three").acquire, timeout=0.3)

    holder["name"] = None
    lock1.release()
    check(got.wait(WAIT), "the second client did not acquire after the first released")
    check(not holder["overlap"], "two holders at once")
    check_equal(lock1.contenders(), ["two"], "contenders after the hand-over")
    check(not lock1.acquire(blocking=False), "a non-blocking acquire got a held lock")
    lock2.release()
    thread.join(WAIT)
    check_equal(first.get_children(path), [], "lock nodes left after both released")


def step_election_and_barrier(s):
    clients = [s.client(), s.client()]
    path = f"{s.base}/election"
    leaders = []
    stops = [threading.Event(), threading.Event()]
    lock = threading.Lock()
    active = {"count": 0, "max": 0}

    def lead(index):
        with lock:
            leaders.append(index)
            active["count"] += 1
            active["max"] = max(active["max"], active["count"])
        stops[index].wait(2 * WAIT)
        with lock:
            active["count"] -= 1

    elections = [zk.Election(path, f"p{i}") for i, zk in enumerate(clients)]
    threads = [threading.Thread(target=elections[i].run, args=(lead, i), daemon=True) for i in range(2)]
    for thread in threads:
        thread.start()
    wait_until(lambda: len(leaders) == 1 and len(elections[0].contenders()) == 2, "one leader and two contenders")
    first = leaders[0]
    stops[first].set()
    wait_until(lambda: len(leaders) == 2, "the other contender to lead after the leader resigned")
    check_equal(leaders[1], 1 - first, "second leader")
    stops[1 - first].set()
    for thread in threads:
        thread.join(WAIT)
    check_equal(active["max"], 1, "most leaders at once")

    barrier_path = f"{s.base}/barrier"
    setter = clients[0].Barrier(barrier_path)
    waiter = clients[1].Barrier(barrier_path)
    setter.create()
    check(not waiter.wait(0.3), "wait returned True while the barrier stands")
    passed = threading.Event()
    thread = threading.Thread(target=lambda: waiter.wait(WAIT) and passed.set(), daemon=True)
    thread.start()
    check(setter.remove(), "remove of a standing barrier")
    check(passed.wait(WAIT), "the waiter did not pass after the barrier was removed")

    double = f"{s.base}/double"
    members = [zk.DoubleBarrier(double, 2) for zk in clients]
    entered = []
    thread = threading.Thread(target=lambda: members[1].enter() or entered.append(1), daemon=True)
    thread.start()
    members[0].enter()
    thread.join(WAIT)
    check_equal(entered, [1], "both members entered the double barrier")
    thread = threading.Thread(target=members[1].leave, daemon=True)
    thread.start()
    members[0].leave()
    thread.join(WAIT)
    check(not thread.is_alive(), "a member did not leave the double barrier")


def step_sync_and_server_version(s):
    zk = s.client()
    zk.ensure_path(s.base)
    zk.sync(s.base)
    check_equal(zk.command(b"ruok"), "imok", "ruok")
    # server_version() parses the zookeeper.version line of the envi four-letter word.
    envi = zk.command(b"envi")
    check("zookeeper.version=" in envi, f"envi has no zookeeper.version= line; it answered {envi[:200]!r}")
    version = zk.server_version()
    check(len(version) >= 2 and version[0] == 3, f"server_version: {version!r}")


def step_more_recipes(s):
    first = s.client()
    second = s.client()
    base = s.base
    first.ensure_path(base)

    # Counter: optimistic set(version) loops from two sessions at once lose no increment.
    counters = [zk.Counter(f"{base}/counter") for zk in (first, second)]

    def bump(counter):
        for _ in range(10):
            counter += 1

    threads = [threading.Thread(target=bump, args=(counter,), daemon=True) for counter in counters]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT)
    check_equal(counters[0].value, 20, "counter after 2 x 10 concurrent increments")

    queue = first.Queue(f"{base}/queue")
    for item in (b"a", b"b", b"c"):
        queue.put(item)
    queue.put(b"urgent", priority=1)
    consumer = second.Queue(f"{base}/queue")
    check_equal([consumer.get() for _ in range(4)], [b"urgent", b"a", b"b", b"c"], "queue order")
    check(consumer.get() is None, "get from an empty queue")

    semaphore = [first.Semaphore(f"{base}/sem", "s1", max_leases=2), second.Semaphore(f"{base}/sem", "s2", max_leases=2)]
    third = s.client().Semaphore(f"{base}/sem", "s3", max_leases=2)
    check(semaphore[0].acquire(timeout=WAIT) and semaphore[1].acquire(timeout=WAIT), "two leases of a 2-semaphore")
    check(not third.acquire(blocking=False), "a third lease of a 2-semaphore")
    check_equal(sorted(semaphore[0].lease_holders()), ["s1", "s2"], "lease holders")
    semaphore[0].release()
    check(third.acquire(timeout=WAIT), "the third lease after a release")
    third.release()
    semaphore[1].release()

    tree = f"{base}/tree"
    first.create(tree)
    events = []
    cache = TreeCache(first, tree)
    cache.listen(lambda event: events.append((event.event_type, event.event_data and event.event_data.path)))
    cache.start()
    wait_until(lambda: (TREE_INITIALIZED, None) in events, "TreeCache INITIALIZED")
    second.create(f"{tree}/a", b"1")
    second.create(f"{tree}/a/b", b"2")
    wait_until(lambda: cache.get_data(f"{tree}/a/b") is not None, "TreeCache to see a/b")
    second.set(f"{tree}/a", b"3")
    wait_until(lambda: cache.get_data(f"{tree}/a").data == b"3", "TreeCache to see a's update")
    second.delete(f"{tree}/a", recursive=True)

    def below_tree():
        return [event for event in events if event[1] is not None and event[1] != tree]

    # Listeners run on the callback thread after the cache's own state changed: wait for them.
    wait_until(lambda: len(below_tree()) >= 5, f"TreeCache to report the deletes (events: {events})")
    wait_until(lambda: cache.get_data(f"{tree}/a") is None, "TreeCache to forget a")
    cache.close()
    check_equal(
        below_tree(),
        [
            (TREE_ADDED, f"{tree}/a"),
            (TREE_ADDED, f"{tree}/a/b"),
            (TREE_UPDATED, f"{tree}/a"),
            (TREE_REMOVED, f"{tree}/a/b"),
            (TREE_REMOVED, f"{tree}/a"),
        ],
        "TreeCache events",
    )


def step_digest_acl(s):
    alice = s.client()
    alice.add_auth("digest", "alice:secret")
    anonymous = s.client()
    base = s.base
    alice.ensure_path(base)
    private = f"{base}/private"
    alice.create(private, b"top", acl=[make_digest_acl("alice", "secret", all=True)])
    check_equal(alice.get(private)[0], b"top", "owner read")
    check_raises(NoAuthError, "anonymous read of a digest-only node", anonymous.get, private)
    check_raises(NoAuthError, "anonymous write of a digest-only node", anonymous.set, private, b"x")
    check_raises(NoAuthError, "anonymous create under a digest-only node", anonymous.create, f"{private}/c")

    # Since ZooKeeper 3.6 reading an ACL needs READ or ADMIN (ZOOKEEPER-1392).
    check_raises(NoAuthError, "anonymous get_acls of a digest-only node", anonymous.get_acls, private)
    acls, _ = alice.get_acls(private)
    check_equal(len(acls), 1, "ACL count")
    check_equal(
        (acls[0].perms, acls[0].id.scheme, acls[0].id.id),
        (Permissions.ALL, "digest", make_digest_acl("alice", "secret").id.id),
        "stored digest ACL",
    )

    wrong = s.client(auth_data=[("digest", "alice:wrong")])
    check_raises(NoAuthError, "read with a wrong password", wrong.get, private)
    right = s.client(auth_data=[("digest", "alice:secret")])
    check_equal(right.get(private)[0], b"top", "read with auth_data at connect")

    shared = f"{base}/shared"
    alice.create(
        shared,
        b"s",
        acl=[make_digest_acl("alice", "secret", all=True), make_acl("world", "anyone", read=True)],
    )
    check_equal(anonymous.get(shared)[0], b"s", "anonymous read with world:anyone READ")
    check_raises(NoAuthError, "anonymous write with world:anyone READ only", anonymous.set, shared, b"x")
    alice.set(shared, b"t")

    check_raises(
        InvalidACLError,
        "'auth' scheme ACL from an unauthenticated session",
        anonymous.create,
        f"{base}/auth-acl",
        acl=[make_acl("auth", "", all=True)],
    )
    alice.create(f"{base}/auth-acl", acl=[make_acl("auth", "", all=True)])
    acls, _ = alice.get_acls(f"{base}/auth-acl")
    check_equal(
        [(acl.perms, acl.id.scheme, acl.id.id) for acl in acls],
        [(Permissions.ALL, "digest", make_digest_acl("alice", "secret").id.id)],
        "an 'auth' ACL becomes the session's digest identity",
    )

    alice.set_acls(private, OPEN_ACL_UNSAFE)
    check_equal(anonymous.get(private)[0], b"top", "anonymous read after set_acls(OPEN_ACL_UNSAFE)")


def step_exists_needs_no_permission(s):
    alice = s.client(auth_data=[("digest", "alice:secret")])
    anonymous = s.client()
    alice.ensure_path(s.base)
    private = f"{s.base}/private"
    alice.create(private, b"x", acl=[make_digest_acl("alice", "secret", all=True)])
    nothing = f"{s.base}/nothing"
    alice.create(nothing, acl=[make_acl("world", "anyone")])  # no permission for anyone
    try:
        check_raises(NoAuthError, "anonymous get_children of a digest-only node", anonymous.get_children, private)
        for path in (private, nothing):
            try:
                stat = anonymous.exists(path)
            except NoAuthError:
                raise ScenarioFailure(f"exists({path}) raised NoAuthError; ZooKeeper checks no ACL for exists") from None
            check(stat is not None, f"exists({path}) returned None")
    finally:
        # Nobody may list its children, so the recursive cleanup could not; deleting it needs
        # only DELETE on the (open) parent.
        alice.delete(nothing)


def step_session_expiry(s):
    observer = s.client()
    base = s.base
    observer.ensure_path(base)
    victim = s.client()
    states = []
    victim.add_listener(lambda state: states.append(state))
    old_id, password = victim.client_id
    eph = victim.create(f"{base}/eph", ephemeral=True)

    # Kill the session from a second connection that takes it over and closes it (what
    # Curator's KillSession and kazoo's harness do); retry if the victim takes it back first.
    for _ in range(5):
        killer = KazooClient(hosts=s.hosts, client_id=(old_id, password), timeout=SESSION_TIMEOUT)
        try:
            killer.start(timeout=CONNECT_TIMEOUT)
            killer.stop()
        except Exception:  # noqa: BLE001 -- the session may already be gone; the checks below decide
            pass
        finally:
            killer.close()
        try:
            wait_until(lambda: KazooState.LOST in states, "the victim to see its session expire", timeout=2.0)
            break
        except ScenarioFailure:
            continue
    check(KazooState.LOST in states, f"the victim never saw LOST (states: {states})")
    check(observer.exists(eph) is None, "the expired session's ephemeral is still there")
    wait_until(lambda: victim.connected and victim.client_id[0] != old_id, "the victim's new session")
    victim.create(f"{base}/after", ephemeral=True)
    check_equal(observer.exists(f"{base}/after").ephemeralOwner, victim.client_id[0], "owner of the new ephemeral")


def step_close(s):
    zk = s.client()
    observer = s.client()
    observer.ensure_path(s.base)
    eph = zk.create(f"{s.base}/eph", ephemeral=True)
    gone = threading.Event()
    observer.exists(eph, watch=lambda event: event.type == EventType.DELETED and gone.set())
    zk.stop()
    check(gone.wait(WAIT), "no NodeDeleted for the ephemeral of a closed session")
    zk.close()


STEPS = [
    step_crud,
    step_ephemeral_and_sequence,
    step_watches_fire_once,
    step_transaction,
    step_lock,
    step_election_and_barrier,
    step_more_recipes,
    step_digest_acl,
    step_exists_needs_no_permission,
    step_session_expiry,
    step_sync_and_server_version,
    step_close,
]


def main(argv):
    if len(argv) != 2:
        print("usage: kazoo_scenario.py HOST:PORT", file=sys.stderr)
        return 2
    hosts = argv[1]
    root = f"/kazoo-{uuid.uuid4().hex}"
    current = {"step": "connect"}

    def watchdog():
        print(f"FAIL {current['step']}: still running after the {WATCHDOG}s watchdog", flush=True)
        os._exit(3)

    timer = threading.Timer(WATCHDOG, watchdog)
    timer.daemon = True
    timer.start()

    # The ACL step's nodes need alice's digest to be deleted.
    admin = KazooClient(hosts=hosts, timeout=SESSION_TIMEOUT, auth_data=[("digest", "alice:secret")])
    admin.start(timeout=CONNECT_TIMEOUT)
    admin.create(root)
    failed = []
    for step in STEPS:
        name = step.__name__[len("step_"):]
        current["step"] = name
        resources = Step(hosts, root, name)
        started = time.monotonic()
        try:
            step(resources)
            print(f"ok {name} ({time.monotonic() - started:.2f}s)", flush=True)
        except Exception as error:  # noqa: BLE001 -- report every step, then fail
            failed.append(name)
            print(f"FAIL {name}: {type(error).__name__}: {error}", flush=True)
            if not isinstance(error, ScenarioFailure):
                traceback.print_exc(file=sys.stdout)
        finally:
            resources.close()
    current["step"] = "cleanup"
    try:
        admin.delete(root, recursive=True)
    except Exception as error:  # noqa: BLE001 -- a failed cleanup is reported, not hidden
        failed.append("cleanup")
        print(f"FAIL cleanup: deleting {root}: {type(error).__name__}: {error}", flush=True)
    admin.stop()
    admin.close()
    timer.cancel()
    if failed:
        print(f"{len(failed)} of {len(STEPS)} steps (and cleanup) failed: {', '.join(failed)}", flush=True)
        return 1
    print(f"all {len(STEPS)} steps passed", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
