import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.transaction.CuratorTransactionResult;
import org.apache.curator.framework.recipes.barriers.DistributedBarrier;
import org.apache.curator.framework.recipes.barriers.DistributedDoubleBarrier;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.framework.recipes.locks.InterProcessMutex;
import org.apache.curator.framework.recipes.nodes.PersistentNode;
import org.apache.curator.framework.recipes.shared.SharedCount;
import org.apache.curator.framework.recipes.shared.VersionedValue;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;

/**
 * Interop scenario: Apache Curator 5.4 (not written by us) against a ZooKeeper-compatible server.
 * Usage: java CuratorInteropScenario HOST:PORT. Framework basics and transactions,
 * InterProcessMutex contended by 3 clients, LeaderLatch with 3 participants and re-election,
 * DistributedBarrier and DistributedDoubleBarrier, SharedCount, CuratorCache (persistent recursive
 * watch), PersistentNode, and a mutex handed over when the server ends its holder's session.
 */
public final class CuratorInteropScenario extends CuratorSupport {
  public static void main(String[] args) {
    new ScenarioRunner("curator")
        .step("frameworkBasics", CuratorInteropScenario::frameworkBasics)
        .step("mutex", CuratorInteropScenario::mutex)
        .step("leaderLatch", CuratorInteropScenario::leaderLatch)
        .step("barriers", CuratorInteropScenario::barriers)
        .step("sharedCount", CuratorInteropScenario::sharedCount)
        .step("curatorCache", CuratorInteropScenario::curatorCache)
        .step("persistentNode", CuratorInteropScenario::persistentNode)
        .step("expiryHandsOver", CuratorInteropScenario::expiryHandsOver)
        .runAndExit(args, new ScenarioRunner.Root() {
          @Override
          public void create(String connectString, String root) throws Exception {
            try (CuratorFramework client = connect(connectString)) {
              client.create().forPath(root);
            }
          }

          @Override
          public void delete(String connectString, String root) throws Exception {
            try (CuratorFramework client = connect(connectString)) {
              client.delete().deletingChildrenIfNeeded().forPath(root);
            }
          }
        });
  }

  // --- steps ------------------------------------------------------------------------------------

  static void frameworkBasics(ScenarioRunner.Context c) throws Exception {
    CuratorFramework client = c.use(connect(c.connectString));
    String base = c.base;
    // Parents as containers (createContainer), the node itself with create2.
    Stat stat = new Stat();
    client.create().storingStatIn(stat).creatingParentContainersIfNeeded().forPath(base + "/a/b", bytes("v0"));
    ScenarioRunner.checkEqual(stat.getVersion(), 0, "create Stat version");
    ScenarioRunner.check(client.checkExists().forPath(base + "/a") != null, "container parent missing");
    ScenarioRunner.checkEqual(string(client.getData().forPath(base + "/a/b")), "v0", "getData");
    ScenarioRunner.checkEqual(client.setData().withVersion(0).forPath(base + "/a/b", bytes("v1")).getVersion(), 1,
        "setData(version 0)");
    ScenarioRunner.checkThrows(KeeperException.BadVersionException.class, "setData with a stale version",
        () -> client.setData().withVersion(0).forPath(base + "/a/b", bytes("x")));

    String protectedPath = client.create().withProtection().withMode(CreateMode.EPHEMERAL_SEQUENTIAL)
        .forPath(base + "/p-", bytes("p"));
    ScenarioRunner.check(protectedPath.matches(".*/_c_[0-9a-f-]{36}-p-\\d{10}$"), "protected name " + protectedPath);

    List<CuratorTransactionResult> results = client.transaction().forOperations(
        client.transactionOp().create().forPath(base + "/t1", bytes("t")),
        client.transactionOp().check().withVersion(1).forPath(base + "/a/b"),
        client.transactionOp().setData().withVersion(1).forPath(base + "/a/b", bytes("v2")),
        client.transactionOp().delete().forPath(base + "/t1"));
    ScenarioRunner.checkEqual(results.stream().map(r -> r.getType() + " " + r.getError()).collect(Collectors.toList()),
        List.of("CREATE 0", "CHECK 0", "SET_DATA 0", "DELETE 0"), "transaction results");
    ScenarioRunner.checkEqual(results.get(2).getResultStat().getVersion(), 2, "SET_DATA result Stat version");

    KeeperException failure = ScenarioRunner.checkThrows(KeeperException.class, "a failing transaction",
        () -> client.transaction().forOperations(
            client.transactionOp().create().forPath(base + "/t2"),
            client.transactionOp().check().withVersion(7).forPath(base + "/a/b")));
    ScenarioRunner.checkEqual(failure.code(), KeeperException.Code.BADVERSION, "failing transaction code");
    ScenarioRunner.check(client.checkExists().forPath(base + "/t2") == null, "the failed transaction created t2");

    client.delete().deletingChildrenIfNeeded().forPath(base + "/a");
    ScenarioRunner.check(client.checkExists().forPath(base + "/a") == null, "deletingChildrenIfNeeded");
  }

  static void mutex(ScenarioRunner.Context c) throws Exception {
    String path = c.base + "/mutex";
    int clients = 3;
    int rounds = 5;
    List<InterProcessMutex> mutexes = new ArrayList<>();
    for (int i = 0; i < clients; i++) mutexes.add(new InterProcessMutex(c.use(connect(c.connectString)), path));

    AtomicInteger holders = new AtomicInteger();
    AtomicBoolean overlap = new AtomicBoolean();
    int[] counter = {0}; // written only under the lock: a lost update means two holders
    ExecutorService pool = c.use(executor(clients));
    List<Future<Integer>> done = new ArrayList<>();
    CountDownLatch start = new CountDownLatch(1);
    for (InterProcessMutex mutex : mutexes) {
      done.add(pool.submit(() -> {
        start.await();
        int acquired = 0;
        for (int round = 0; round < rounds; round++) {
          if (!mutex.acquire(WAIT_MS, TimeUnit.MILLISECONDS)) break;
          try {
            if (holders.incrementAndGet() != 1) overlap.set(true);
            int seen = counter[0];
            Thread.sleep(5);
            counter[0] = seen + 1;
            acquired++;
          } finally {
            holders.decrementAndGet();
            mutex.release();
          }
        }
        return acquired;
      }));
    }
    start.countDown();
    List<Integer> acquired = new ArrayList<>();
    for (Future<Integer> future : done) acquired.add(future.get(3 * WAIT_MS, TimeUnit.MILLISECONDS));
    ScenarioRunner.checkEqual(acquired, Collections.nCopies(clients, rounds), "acquisitions per client");
    ScenarioRunner.check(!overlap.get(), "two clients held the mutex at once");
    // Future.get orders the workers' writes before this read.
    ScenarioRunner.checkEqual(counter[0], clients * rounds, "the counter written under the mutex");

    InterProcessMutex first = mutexes.get(0);
    ScenarioRunner.check(first.acquire(WAIT_MS, TimeUnit.MILLISECONDS), "acquire of a free mutex");
    ScenarioRunner.check(first.acquire(WAIT_MS, TimeUnit.MILLISECONDS), "re-entrant acquire");
    ScenarioRunner.checkEqual(first.getParticipantNodes().size(), 1, "participants (re-entry adds no node)");
    Future<Boolean> other = pool.submit(() -> mutexes.get(1).acquire(300, TimeUnit.MILLISECONDS));
    ScenarioRunner.check(!other.get(WAIT_MS, TimeUnit.MILLISECONDS), "a second client acquired a held mutex");
    first.release();
    first.release();
    CuratorFramework observer = c.use(connect(c.connectString));
    // The lock node is a container: once empty the server may reap it (ZooKeeper checks often here).
    List<String> left;
    try {
      left = observer.getChildren().forPath(path);
    } catch (KeeperException.NoNodeException gone) {
      left = List.of();
    }
    ScenarioRunner.checkEqual(left, List.of(), "lock nodes left after release");
  }

  static void leaderLatch(ScenarioRunner.Context c) throws Exception {
    String path = c.base + "/latch";
    List<LeaderLatch> latches = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      latches.add(new LeaderLatch(c.use(connect(c.connectString)), path, "p" + i));
    }
    for (LeaderLatch latch : latches) latch.start();
    ScenarioRunner.waitUntil(() -> leaders(latches).size() == 1 && participants(latches.get(0)) == 3,
        "exactly one leader among 3 participants");
    LeaderLatch leader = leaders(latches).get(0);
    for (LeaderLatch latch : latches) {
      ScenarioRunner.checkEqual(latch.getLeader().getId(), leader.getId(), "leader seen by " + latch.getId());
    }
    ScenarioRunner.check(!latches.get((latches.indexOf(leader) + 1) % 3).await(200, TimeUnit.MILLISECONDS),
        "a non-leader's await returned true");

    leader.close();
    List<LeaderLatch> rest = new ArrayList<>(latches);
    rest.remove(leader);
    ScenarioRunner.waitUntil(() -> leaders(rest).size() == 1 && participants(rest.get(0)) == 2,
        "exactly one new leader among the 2 remaining after the leader closed");
    LeaderLatch next = leaders(rest).get(0);
    ScenarioRunner.check(next != leader, "re-elected the closed leader");
    for (LeaderLatch latch : rest) {
      ScenarioRunner.checkEqual(latch.getLeader().getId(), next.getId(), "new leader seen by " + latch.getId());
    }
    for (LeaderLatch latch : rest) latch.close();
  }

  static void barriers(ScenarioRunner.Context c) throws Exception {
    CuratorFramework setterClient = c.use(connect(c.connectString));
    CuratorFramework waiterClient = c.use(connect(c.connectString));
    ExecutorService pool = c.use(executor(3));
    // A persistent base: as a container it is reaped once the barrier is removed, and Curator's
    // creatingParentContainersIfNeeded then races the reaper creating "/alone" under it (seen).
    setterClient.create().creatingParentsIfNeeded().forPath(c.base);
    DistributedBarrier setter = new DistributedBarrier(setterClient, c.base + "/barrier");
    DistributedBarrier waiter = new DistributedBarrier(waiterClient, c.base + "/barrier");
    setter.setBarrier();
    ScenarioRunner.check(!waiter.waitOnBarrier(300, TimeUnit.MILLISECONDS), "passed a standing barrier");
    Future<Boolean> passed = pool.submit(() -> waiter.waitOnBarrier(WAIT_MS, TimeUnit.MILLISECONDS));
    setter.removeBarrier();
    ScenarioRunner.check(passed.get(WAIT_MS + 1000, TimeUnit.MILLISECONDS), "did not pass the removed barrier");

    String path = c.base + "/double";
    List<DistributedDoubleBarrier> members = new ArrayList<>();
    members.add(new DistributedDoubleBarrier(setterClient, path, 3));
    members.add(new DistributedDoubleBarrier(waiterClient, path, 3));
    members.add(new DistributedDoubleBarrier(c.use(connect(c.connectString)), path, 3));
    ScenarioRunner.check(!new DistributedDoubleBarrier(setterClient, c.base + "/alone", 2).enter(300,
        TimeUnit.MILLISECONDS), "entered a double barrier of 2 alone");
    List<Future<Boolean>> entered = new ArrayList<>();
    for (DistributedDoubleBarrier member : members) {
      entered.add(pool.submit(() -> member.enter(WAIT_MS, TimeUnit.MILLISECONDS)));
    }
    for (Future<Boolean> result : entered) {
      ScenarioRunner.check(result.get(WAIT_MS + 1000, TimeUnit.MILLISECONDS), "a member did not enter");
    }
    List<Future<Boolean>> left = new ArrayList<>();
    for (DistributedDoubleBarrier member : members) {
      left.add(pool.submit(() -> member.leave(WAIT_MS, TimeUnit.MILLISECONDS)));
    }
    for (Future<Boolean> result : left) {
      ScenarioRunner.check(result.get(WAIT_MS + 1000, TimeUnit.MILLISECONDS), "a member did not leave");
    }
  }

  static void sharedCount(ScenarioRunner.Context c) throws Exception {
    String path = c.base + "/count";
    List<SharedCount> counts = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      SharedCount count = new SharedCount(c.use(connect(c.connectString)), path, 0);
      count.start();
      counts.add(c.use(count));
    }
    List<Integer> heard = new CopyOnWriteArrayList<>();
    counts.get(1).addListener(new org.apache.curator.framework.recipes.shared.SharedCountListener() {
      @Override
      public void countHasChanged(org.apache.curator.framework.recipes.shared.SharedCountReader reader, int value) {
        heard.add(value);
      }

      @Override
      public void stateChanged(CuratorFramework client, ConnectionState state) {}
    });
    ExecutorService pool = c.use(executor(2));
    List<Future<?>> done = new ArrayList<>();
    for (SharedCount count : counts) {
      done.add(pool.submit(() -> {
        for (int i = 0; i < 10; i++) {
          while (true) {
            VersionedValue<Integer> current = count.getVersionedValue();
            if (count.trySetCount(current, current.getValue() + 1)) break;
          }
        }
        return null;
      }));
    }
    for (Future<?> future : done) future.get(3 * WAIT_MS, TimeUnit.MILLISECONDS);
    ScenarioRunner.waitUntil(() -> counts.get(0).getCount() == 20 && counts.get(1).getCount() == 20,
        "both SharedCounts to read 20 (they read " + counts.get(0).getCount() + ", " + counts.get(1).getCount() + ")");
    ScenarioRunner.waitUntil(() -> heard.contains(20), "the listener to hear 20");
    CuratorFramework observer = c.use(connect(c.connectString));
    ScenarioRunner.checkEqual(observer.checkExists().forPath(path).getVersion(), 20, "version of the count node");
  }

  static void curatorCache(ScenarioRunner.Context c) throws Exception {
    CuratorFramework client = c.use(connect(c.connectString));
    CuratorFramework writer = c.use(connect(c.connectString));
    String path = c.base + "/cache";
    client.create().creatingParentsIfNeeded().forPath(path, new byte[0]); // Curator's default data is the local IP
    List<String> events = new CopyOnWriteArrayList<>();
    CountDownLatch initialized = new CountDownLatch(1);
    CuratorCache cache = c.use(CuratorCache.build(client, path));
    cache.listenable().addListener(CuratorCacheListener.builder()
        .forCreates(node -> events.add("create " + node.getPath() + " " + string(node.getData())))
        .forChanges((before, after) -> events.add("change " + after.getPath() + " " + string(after.getData())))
        .forDeletes(node -> events.add("delete " + node.getPath()))
        .forInitialized(initialized::countDown)
        .build());
    cache.start();
    ScenarioRunner.check(initialized.await(WAIT_MS, TimeUnit.MILLISECONDS), "CuratorCache initialized");
    ScenarioRunner.checkEqual(events, List.of("create " + path + " "), "events of the initial load");
    events.clear();

    writer.create().forPath(path + "/a", bytes("1"));
    ScenarioRunner.waitUntil(() -> events.size() == 1, "the create of a");
    writer.create().forPath(path + "/a/b", bytes("2"));
    ScenarioRunner.waitUntil(() -> events.size() == 2, "the create of a/b");
    writer.setData().forPath(path + "/a", bytes("3"));
    ScenarioRunner.waitUntil(() -> events.size() == 3, "the change of a");
    writer.delete().deletingChildrenIfNeeded().forPath(path + "/a");
    ScenarioRunner.waitUntil(() -> events.size() == 5, "the deletes of a/b and a (events: " + events + ")");
    ScenarioRunner.checkEqual(events, List.of(
        "create " + path + "/a 1",
        "create " + path + "/a/b 2",
        "change " + path + "/a 3",
        "delete " + path + "/a/b",
        "delete " + path + "/a"), "CuratorCache events");
    ScenarioRunner.checkEqual(cache.size(), 1, "cache size at the end");
  }

  static void persistentNode(ScenarioRunner.Context c) throws Exception {
    CuratorFramework client = c.use(connect(c.connectString));
    CuratorFramework observer = c.use(connect(c.connectString));
    String path = c.base + "/node";
    client.create().creatingParentsIfNeeded().forPath(c.base + "/marker");
    PersistentNode node = new PersistentNode(client, CreateMode.EPHEMERAL, false, path, bytes("one"));
    node.start();
    ScenarioRunner.check(node.waitForInitialCreate(WAIT_MS, TimeUnit.MILLISECONDS), "initial create");
    ScenarioRunner.checkEqual(string(observer.getData().forPath(path)), "one", "data seen by another client");
    ScenarioRunner.checkEqual(observer.checkExists().forPath(path).getEphemeralOwner(),
        client.getZookeeperClient().getZooKeeper().getSessionId(), "owner of the persistent (ephemeral) node");

    observer.delete().forPath(path);
    ScenarioRunner.waitUntil(() -> exists(observer, path), "the node to be re-created after a delete");
    node.setData(bytes("two"));
    ScenarioRunner.waitUntil(() -> "two".equals(dataOf(observer, path)), "the new data");
    node.close();
    ScenarioRunner.check(!exists(observer, path), "the node survived close()");
  }

  static void expiryHandsOver(ScenarioRunner.Context c) throws Exception {
    CuratorFramework holderClient = c.use(connect(c.connectString));
    CuratorFramework waiterClient = c.use(connect(c.connectString));
    List<ConnectionState> holderStates = new CopyOnWriteArrayList<>();
    holderClient.getConnectionStateListenable().addListener((client, state) -> holderStates.add(state));
    String path = c.base + "/mutex";
    InterProcessMutex holder = new InterProcessMutex(holderClient, path);
    InterProcessMutex waiter = new InterProcessMutex(waiterClient, path);
    ScenarioRunner.check(holder.acquire(WAIT_MS, TimeUnit.MILLISECONDS), "acquire of a free mutex");
    ExecutorService pool = c.use(executor(1));
    Future<Boolean> acquired = pool.submit(() -> waiter.acquire(3 * WAIT_MS, TimeUnit.MILLISECONDS));
    ScenarioRunner.waitUntil(() -> participants(holder) == 2, "the waiter's lock node");

    // The server ends the holder's session (another connection takes it over and closes it);
    // its lock node goes and the waiter gets the mutex.
    ZooKeeper session = holderClient.getZookeeperClient().getZooKeeper();
    for (int attempt = 0; attempt < 3 && !acquired.isDone(); attempt++) {
      try (ZooKeeper killer = new ZooKeeper(c.connectString, SESSION_TIMEOUT_MS, event -> {},
          session.getSessionId(), session.getSessionPasswd())) {
        ScenarioRunner.waitUntil(() -> killer.getState().isConnected() || !killer.getState().isAlive(),
            "the killer connection");
      }
      ScenarioRunner.waitUntil(acquired::isDone, "the waiter to acquire after the holder's session ended", 2_000);
    }
    ScenarioRunner.check(acquired.get(WAIT_MS, TimeUnit.MILLISECONDS), "the waiter's acquire");
    ScenarioRunner.waitUntil(() -> holderStates.contains(ConnectionState.LOST),
        "the holder's client to report LOST (states: " + holderStates + ")");
    ScenarioRunner.waitUntil(() -> holderStates.get(holderStates.size() - 1) == ConnectionState.RECONNECTED,
        "the holder's client to reconnect with a new session (states: " + holderStates + ")");
    ScenarioRunner.checkEqual(participants(waiter), 1, "lock nodes after the hand-over");
    pool.submit(() -> {
      waiter.release(); // InterProcessMutex belongs to the thread that acquired it
      return null;
    }).get(WAIT_MS, TimeUnit.MILLISECONDS);
  }
}
