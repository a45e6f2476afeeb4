import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.zookeeper.AddWatchMode;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.OpResult;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZKUtil;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.data.Stat;

/**
 * Interop scenario: Apache ZooKeeper's own Java client (org.apache.zookeeper.ZooKeeper, not
 * written by us) against a ZooKeeper-compatible server. Usage: java ZkInteropScenario HOST:PORT.
 * Create modes incl. CONTAINER and TTL (the server must enable extended types and reap within a
 * few seconds), data and one-shot watches, multi and read-only multi, getEphemerals,
 * getAllChildrenNumber, persistent and recursive watches, removeWatches, ACLs, whoAmI, watches
 * re-sent after a reconnect (through {@link TcpProxy}), pipelined request order, the /zookeeper
 * nodes, session timeout negotiation, session take-over and expiry, sync, close.
 */
public final class ZkInteropScenario extends ZkSupport {
  /**
   * ZooKeeper stores containers and TTL nodes with a special ephemeralOwner but reports 0 to
   * clients (only sessions' ephemerals show their owner).
   */
  static final long HIDDEN_OWNER = 0;

  public static void main(String[] args) {
    new ScenarioRunner("zk")
        .step("createModes", ZkInteropScenario::createModes)
        .step("dataAndOneShotWatches", ZkInteropScenario::dataAndOneShotWatches)
        .step("multi", ZkInteropScenario::multi)
        .step("ephemeralsAndCounts", ZkInteropScenario::ephemeralsAndCounts)
        .step("persistentWatches", ZkInteropScenario::persistentWatches)
        .step("removeWatches", ZkInteropScenario::removeWatches)
        .step("acl", ZkInteropScenario::acl)
        .step("whoAmI", ZkInteropScenario::whoAmI)
        .step("watchesAcrossReconnect", ZkInteropScenario::watchesAcrossReconnect)
        .step("pipelinedOrder", ZkInteropScenario::pipelinedOrder)
        .step("specialNodes", ZkInteropScenario::specialNodes)
        .step("connectOptions", ZkInteropScenario::connectOptions)
        .step("sessionTakeOverAndExpiry", ZkInteropScenario::sessionTakeOverAndExpiry)
        .step("syncAndClose", ZkInteropScenario::syncAndClose)
        .runAndExit(args, new ScenarioRunner.Root() {
          @Override
          public void create(String connectString, String root) throws Exception {
            try (ZooKeeper zk = connect(connectString)) {
              zk.create(root, new byte[0], OPEN, CreateMode.PERSISTENT);
            }
          }

          @Override
          public void delete(String connectString, String root) throws Exception {
            try (ZooKeeper zk = connect(connectString)) {
              zk.addAuthInfo("digest", "alice:secret".getBytes(StandardCharsets.UTF_8));
              ZKUtil.deleteRecursive(zk, root);
            }
          }
        });
  }

  // --- steps ------------------------------------------------------------------------------------

  static void createModes(ScenarioRunner.Context c) throws Exception {
    ZooKeeper zk = c.use(connect(c.connectString));
    String base = c.base;
    zk.create(base, new byte[0], OPEN, CreateMode.PERSISTENT);

    Stat stat = new Stat();
    ScenarioRunner.checkEqual(zk.create(base + "/p", bytes("p"), OPEN, CreateMode.PERSISTENT, stat), base + "/p",
        "PERSISTENT path");
    ScenarioRunner.checkEqual(List.of(stat.getVersion(), stat.getDataLength(), stat.getEphemeralOwner()),
        List.of(0, 1, 0L), "create2 Stat (version, dataLength, ephemeralOwner)");
    ScenarioRunner.check(stat.getCzxid() > 0 && stat.getCzxid() == stat.getMzxid(), "create2 Stat zxids: " + stat);
    String seq = zk.create(base + "/s-", null, OPEN, CreateMode.PERSISTENT_SEQUENTIAL);
    ScenarioRunner.check(seq.matches(".*/s-\\d{10}$"), "PERSISTENT_SEQUENTIAL name " + seq);
    zk.create(base + "/e", null, OPEN, CreateMode.EPHEMERAL, stat);
    ScenarioRunner.checkEqual(stat.getEphemeralOwner(), zk.getSessionId(), "EPHEMERAL owner");
    String eseq = zk.create(base + "/es-", null, OPEN, CreateMode.EPHEMERAL_SEQUENTIAL, stat);
    ScenarioRunner.check(eseq.matches(".*/es-\\d{10}$"), "EPHEMERAL_SEQUENTIAL name " + eseq);
    ScenarioRunner.checkEqual(stat.getEphemeralOwner(), zk.getSessionId(), "EPHEMERAL_SEQUENTIAL owner");
    ScenarioRunner.checkThrows(KeeperException.NoChildrenForEphemeralsException.class, "child of an ephemeral",
        () -> zk.create(base + "/e/child", null, OPEN, CreateMode.PERSISTENT));

    // CONTAINER: reaped once it had a child and has none.
    String container = base + "/container";
    zk.create(container, null, OPEN, CreateMode.CONTAINER, stat);
    ScenarioRunner.checkEqual(stat.getEphemeralOwner(), HIDDEN_OWNER, "CONTAINER ephemeralOwner (create2)");
    ScenarioRunner.checkEqual(zk.exists(container, false).getEphemeralOwner(), HIDDEN_OWNER, "CONTAINER owner");
    zk.create(container + "/child", null, OPEN, CreateMode.PERSISTENT);

    // TTL: reaped once unmodified and childless for longer than its TTL.
    long ttl = 800;
    String ttlNode = base + "/ttl";
    zk.create(ttlNode, bytes("t"), OPEN, CreateMode.PERSISTENT_WITH_TTL, stat, ttl);
    ScenarioRunner.checkEqual(stat.getEphemeralOwner(), HIDDEN_OWNER, "PERSISTENT_WITH_TTL ephemeralOwner (create2)");
    ScenarioRunner.checkEqual(zk.exists(ttlNode, false).getEphemeralOwner(), HIDDEN_OWNER, "TTL node owner");
    String ttlSeq = zk.create(base + "/ttl-", null, OPEN, CreateMode.PERSISTENT_SEQUENTIAL_WITH_TTL, stat, ttl);
    ScenarioRunner.check(ttlSeq.matches(".*/ttl-\\d{10}$"), "PERSISTENT_SEQUENTIAL_WITH_TTL name " + ttlSeq);
    ScenarioRunner.checkEqual(stat.getEphemeralOwner(), HIDDEN_OWNER, "PERSISTENT_SEQUENTIAL_WITH_TTL owner");
    String ttlParent = base + "/ttl-parent";
    zk.create(ttlParent, null, OPEN, CreateMode.PERSISTENT_WITH_TTL, stat, ttl);
    zk.create(ttlParent + "/child", null, OPEN, CreateMode.PERSISTENT);

    ScenarioRunner.check(zk.exists(container, false) != null, "a container with a child was reaped");
    zk.delete(container + "/child", -1);
    ScenarioRunner.waitUntil(() -> gone(zk, container), "the emptied container to be reaped", 8_000);
    ScenarioRunner.waitUntil(() -> gone(zk, ttlNode) && gone(zk, ttlSeq), "the TTL nodes to be reaped", 8_000);
    ScenarioRunner.check(zk.exists(ttlParent, false) != null, "a TTL node with a child was reaped");
    ScenarioRunner.checkEqual(zk.getData(base + "/p", false, null).length, 1, "a PERSISTENT node survived");
  }

  static void dataAndOneShotWatches(ScenarioRunner.Context c) throws Exception {
    Events defaults = new Events();
    ZooKeeper zk = c.use(connect(c.connectString, defaults));
    ZooKeeper writer = c.use(connect(c.connectString));
    String base = c.base;
    zk.create(base, null, OPEN, CreateMode.PERSISTENT);
    String node = base + "/w";
    writer.create(node, bytes("v0"), OPEN, CreateMode.PERSISTENT);

    Events data = new Events();
    Stat stat = new Stat();
    ScenarioRunner.checkEqual(string(zk.getData(node, data, stat)), "v0", "getData");
    ScenarioRunner.checkEqual(writer.setData(node, bytes("v1"), 0).getVersion(), 1, "setData(version 0)");
    ScenarioRunner.checkThrows(KeeperException.BadVersionException.class, "setData with a stale version",
        () -> writer.setData(node, bytes("x"), 0));
    writer.setData(node, bytes("v2"), -1);
    fence(zk, base);
    ScenarioRunner.checkEqual(data.drain(), List.of("NodeDataChanged " + node), "data watch after two setData");

    Events created = new Events();
    ScenarioRunner.check(zk.exists(node + "/new", created) == null, "exists of a missing node");
    writer.create(node + "/new", null, OPEN, CreateMode.PERSISTENT);
    writer.setData(node + "/new", bytes("x"), -1);
    Events children = new Events();
    zk.getChildren(node, children);
    writer.create(node + "/other", null, OPEN, CreateMode.PERSISTENT);
    writer.delete(node + "/other", -1);
    fence(zk, base);
    ScenarioRunner.checkEqual(created.drain(), List.of("NodeCreated " + node + "/new"), "exists watch");
    ScenarioRunner.checkEqual(children.drain(), List.of("NodeChildrenChanged " + node), "child watch");

    Events deleted = new Events();
    Events deletedChildren = new Events();
    zk.getData(node + "/new", deleted, null);
    zk.getChildren(node + "/new", deletedChildren);
    zk.getData(node + "/new", true, null); // the default watcher
    writer.delete(node + "/new", -1);
    fence(zk, base);
    ScenarioRunner.checkEqual(deleted.drain(), List.of("NodeDeleted " + node + "/new"), "data watch on delete");
    ScenarioRunner.checkEqual(deletedChildren.drain(), List.of("NodeDeleted " + node + "/new"),
        "child watch on delete");
    ScenarioRunner.checkEqual(defaults.drain(), List.of("NodeDeleted " + node + "/new"),
        "default watcher on delete");

    ScenarioRunner.checkThrows(KeeperException.NoNodeException.class, "getData of a missing node",
        () -> zk.getData(node + "/new", false, null));
    ScenarioRunner.checkThrows(KeeperException.NodeExistsException.class, "create of an existing node",
        () -> zk.create(node, null, OPEN, CreateMode.PERSISTENT));
    ScenarioRunner.checkThrows(KeeperException.NotEmptyException.class, "delete of a parent",
        () -> {
          writer.create(node + "/kid", null, OPEN, CreateMode.PERSISTENT);
          zk.delete(node, -1);
          return null;
        });
  }

  static void multi(ScenarioRunner.Context c) throws Exception {
    ZooKeeper zk = c.use(connect(c.connectString));
    String base = c.base;
    zk.create(base, bytes("b0"), OPEN, CreateMode.PERSISTENT);
    zk.create(base + "/old", null, OPEN, CreateMode.PERSISTENT);

    List<OpResult> results = zk.multi(Arrays.asList(
        Op.create(base + "/m1", bytes("x"), OPEN, CreateMode.PERSISTENT),
        Op.check(base, 0),
        Op.setData(base, bytes("b1"), 0),
        Op.delete(base + "/old", -1),
        Op.create(base + "/m-container", null, OPEN, CreateMode.CONTAINER),
        Op.create(base + "/m-ttl", null, OPEN, CreateMode.PERSISTENT_WITH_TTL, 60_000)));
    ScenarioRunner.checkEqual(kinds(results),
        List.of("CreateResult", "CheckResult", "SetDataResult", "DeleteResult", "CreateResult", "CreateResult"),
        "result kinds of a committed multi");
    OpResult.CreateResult create = (OpResult.CreateResult) results.get(0);
    ScenarioRunner.checkEqual(create.getPath(), base + "/m1", "CreateResult path");
    ScenarioRunner.checkEqual(((OpResult.SetDataResult) results.get(2)).getStat().getVersion(), 1,
        "SetDataResult version");
    Stat containerStat = ((OpResult.CreateResult) results.get(4)).getStat();
    Stat ttlStat = ((OpResult.CreateResult) results.get(5)).getStat();
    ScenarioRunner.check(containerStat != null && containerStat.getEphemeralOwner() == HIDDEN_OWNER,
        "container CreateResult Stat " + containerStat);
    ScenarioRunner.check(ttlStat != null && ttlStat.getEphemeralOwner() == HIDDEN_OWNER,
        "TTL CreateResult Stat " + ttlStat);
    ScenarioRunner.check(zk.exists(base + "/old", false) == null, "the committed multi left /old");

    KeeperException failure = ScenarioRunner.checkThrows(KeeperException.class, "a multi with a failing check",
        () -> zk.multi(Arrays.asList(
            Op.create(base + "/m2", null, OPEN, CreateMode.PERSISTENT),
            Op.setData(base, bytes("b2"), 1),
            Op.check(base, 99),
            Op.delete(base + "/m1", -1))));
    ScenarioRunner.checkEqual(failure.code(), KeeperException.Code.BADVERSION, "failed multi's exception code");
    ScenarioRunner.checkEqual(errorCodes(failure.getResults()), List.of(0, 0, -103, -2),
        "per-op error codes of a failed multi (OK, OK, BADVERSION, RUNTIMEINCONSISTENCY)");
    ScenarioRunner.check(zk.exists(base + "/m2", false) == null, "the failed multi created /m2");
    ScenarioRunner.checkEqual(string(zk.getData(base, false, null)), "b1", "data after the failed multi");
    ScenarioRunner.check(zk.exists(base + "/m1", false) != null, "the failed multi deleted /m1");

    failure = ScenarioRunner.checkThrows(KeeperException.class, "a multi deleting a missing node",
        () -> zk.transaction().create(base + "/m3", null, OPEN, CreateMode.PERSISTENT).delete(base + "/none", -1)
            .commit());
    ScenarioRunner.checkEqual(failure.code(), KeeperException.Code.NONODE, "Transaction exception code");
    ScenarioRunner.checkEqual(errorCodes(failure.getResults()), List.of(0, -101), "Transaction per-op codes");

    // Read-only multi (3.6+): per-op results, an error in one op does not fail the others.
    List<OpResult> reads = zk.multi(Arrays.asList(Op.getChildren(base), Op.getData(base + "/m1")));
    ScenarioRunner.checkEqual(kinds(reads), List.of("GetChildrenResult", "GetDataResult"), "read multi kinds");
    List<String> names = new ArrayList<>(((OpResult.GetChildrenResult) reads.get(0)).getChildren());
    names.sort(null);
    ScenarioRunner.checkEqual(names, List.of("m-container", "m-ttl", "m1"), "read multi children");
    ScenarioRunner.checkEqual(string(((OpResult.GetDataResult) reads.get(1)).getData()), "x", "read multi data");
    List<OpResult> partial = zk.multi(Arrays.asList(Op.getData(base + "/none"), Op.getData(base + "/m1")));
    ScenarioRunner.checkEqual(kinds(partial), List.of("ErrorResult", "GetDataResult"), "read multi with a miss");
    ScenarioRunner.checkEqual(((OpResult.ErrorResult) partial.get(0)).getErr(), -101, "read multi miss code");
  }

  static void ephemeralsAndCounts(ScenarioRunner.Context c) throws Exception {
    ZooKeeper zk = c.use(connect(c.connectString));
    ZooKeeper other = c.use(connect(c.connectString));
    String base = c.base;
    zk.create(base, null, OPEN, CreateMode.PERSISTENT);
    zk.create(base + "/a", null, OPEN, CreateMode.PERSISTENT);
    zk.create(base + "/a/e1", null, OPEN, CreateMode.EPHEMERAL);
    zk.create(base + "/a/e2", null, OPEN, CreateMode.EPHEMERAL);
    zk.create(base + "/b", null, OPEN, CreateMode.PERSISTENT);
    zk.create(base + "/b/x", null, OPEN, CreateMode.PERSISTENT);
    zk.create(base + "/b/e3", null, OPEN, CreateMode.EPHEMERAL);
    other.create(base + "/a/theirs", null, OPEN, CreateMode.EPHEMERAL);

    ScenarioRunner.checkEqual(sorted(zk.getEphemerals()), List.of(base + "/a/e1", base + "/a/e2", base + "/b/e3"),
        "getEphemerals()");
    ScenarioRunner.checkEqual(sorted(zk.getEphemerals(base + "/a")), List.of(base + "/a/e1", base + "/a/e2"),
        "getEphemerals(prefix)");
    ScenarioRunner.checkEqual(sorted(zk.getEphemerals(base + "/a/e")), List.of(base + "/a/e1", base + "/a/e2"),
        "getEphemerals(a prefix that is not a node)");
    ScenarioRunner.checkEqual(other.getEphemerals(base), List.of(base + "/a/theirs"), "the other session's");
    ScenarioRunner.checkEqual(zk.getAllChildrenNumber(base), 7, "getAllChildrenNumber of the base");
    ScenarioRunner.checkEqual(zk.getAllChildrenNumber(base + "/b/x"), 0, "getAllChildrenNumber of a leaf");
    ScenarioRunner.checkThrows(KeeperException.NoNodeException.class, "getAllChildrenNumber of a missing node",
        () -> zk.getAllChildrenNumber(base + "/none"));
  }

  static void persistentWatches(ScenarioRunner.Context c) throws Exception {
    ZooKeeper zk = c.use(connect(c.connectString));
    ZooKeeper writer = c.use(connect(c.connectString));
    String base = c.base;
    zk.create(base, null, OPEN, CreateMode.PERSISTENT);
    String tree = base + "/tree";
    zk.create(tree, null, OPEN, CreateMode.PERSISTENT);

    Events recursive = new Events();
    zk.addWatch(tree, recursive, AddWatchMode.PERSISTENT_RECURSIVE);
    writer.create(tree + "/a", null, OPEN, CreateMode.PERSISTENT);
    writer.create(tree + "/a/b", null, OPEN, CreateMode.PERSISTENT);
    writer.setData(tree + "/a/b", bytes("1"), -1);
    writer.setData(tree + "/a/b", bytes("2"), -1);
    writer.delete(tree + "/a/b", -1);
    writer.setData(tree, bytes("t"), -1);
    fence(zk, base);
    ScenarioRunner.checkEqual(recursive.drain(), List.of(
        "NodeCreated " + tree + "/a",
        "NodeCreated " + tree + "/a/b",
        "NodeDataChanged " + tree + "/a/b",
        "NodeDataChanged " + tree + "/a/b",
        "NodeDeleted " + tree + "/a/b",
        "NodeDataChanged " + tree), "PERSISTENT_RECURSIVE events (no NodeChildrenChanged)");

    Events persistent = new Events();
    String node = base + "/node";
    zk.addWatch(node, persistent, AddWatchMode.PERSISTENT);
    writer.create(node, null, OPEN, CreateMode.PERSISTENT);
    writer.create(node + "/c1", null, OPEN, CreateMode.PERSISTENT);
    writer.create(node + "/c2", null, OPEN, CreateMode.PERSISTENT);
    writer.create(node + "/c1/deep", null, OPEN, CreateMode.PERSISTENT);
    writer.setData(node, bytes("1"), -1);
    writer.setData(node, bytes("2"), -1);
    fence(zk, base);
    ScenarioRunner.checkEqual(persistent.drain(), List.of(
        "NodeCreated " + node,
        "NodeChildrenChanged " + node,
        "NodeChildrenChanged " + node,
        "NodeDataChanged " + node,
        "NodeDataChanged " + node), "PERSISTENT events (children of the node only)");

    zk.removeWatches(tree, recursive, Watcher.WatcherType.Any, false);
    writer.create(tree + "/after", null, OPEN, CreateMode.PERSISTENT);
    fence(zk, base);
    ScenarioRunner.checkEqual(recursive.drain(), List.of("PersistentWatchRemoved " + tree),
        "events after removing the recursive watch");
  }

  static void removeWatches(ScenarioRunner.Context c) throws Exception {
    ZooKeeper zk = c.use(connect(c.connectString));
    ZooKeeper writer = c.use(connect(c.connectString));
    String base = c.base;
    zk.create(base, null, OPEN, CreateMode.PERSISTENT);
    String node = base + "/n";
    zk.create(node, null, OPEN, CreateMode.PERSISTENT);

    Events data = new Events();
    Events kids = new Events();
    zk.getData(node, data, null);
    zk.getChildren(node, kids);
    zk.removeWatches(node, data, Watcher.WatcherType.Data, false);
    writer.setData(node, bytes("x"), -1);
    fence(zk, base);
    ScenarioRunner.checkEqual(data.drain(), List.of("DataWatchRemoved " + node), "data watcher after removal");
    ScenarioRunner.checkThrows(KeeperException.NoWatcherException.class, "removing a removed watcher",
        () -> {
          zk.removeWatches(node, data, Watcher.WatcherType.Data, false);
          return null;
        });
    zk.removeAllWatches(node, Watcher.WatcherType.Children, false);
    writer.create(node + "/c", null, OPEN, CreateMode.PERSISTENT);
    fence(zk, base);
    ScenarioRunner.checkEqual(kids.drain(), List.of("ChildWatchRemoved " + node), "child watcher after removal");
    ScenarioRunner.checkThrows(KeeperException.NoWatcherException.class, "removeAllWatches with no watch",
        () -> {
          zk.removeAllWatches(node, Watcher.WatcherType.Any, false);
          return null;
        });
  }

  static void acl(ScenarioRunner.Context c) throws Exception {
    ZooKeeper zk = c.use(connect(c.connectString));
    ZooKeeper anonymous = c.use(connect(c.connectString));
    String base = c.base;
    zk.create(base, null, OPEN, CreateMode.PERSISTENT);
    zk.addAuthInfo("digest", "alice:secret".getBytes(StandardCharsets.UTF_8));

    String node = base + "/private";
    zk.create(node, bytes("s"), ZooDefs.Ids.CREATOR_ALL_ACL, CreateMode.PERSISTENT);
    Stat stat = new Stat();
    List<ACL> acl = zk.getACL(node, stat);
    ScenarioRunner.checkEqual(acl.size(), 1, "CREATOR_ALL_ACL size");
    ScenarioRunner.checkEqual(acl.get(0).getId().getScheme(), "digest", "CREATOR_ALL_ACL scheme");
    ScenarioRunner.check(acl.get(0).getId().getId().startsWith("alice:"), "CREATOR_ALL_ACL id " + acl);
    ScenarioRunner.checkEqual(stat.getAversion(), 0, "aversion");
    ScenarioRunner.checkThrows(KeeperException.NoAuthException.class, "anonymous getData",
        () -> anonymous.getData(node, false, null));
    List<ACL> readable = new ArrayList<>(acl);
    readable.add(new ACL(ZooDefs.Perms.READ, new Id("world", "anyone")));
    ScenarioRunner.checkThrows(KeeperException.BadVersionException.class, "setACL with a wrong aversion",
        () -> zk.setACL(node, readable, 5));
    ScenarioRunner.checkEqual(zk.setACL(node, readable, 0).getAversion(), 1, "aversion after setACL");
    ScenarioRunner.checkEqual(string(anonymous.getData(node, false, null)), "s", "anonymous read after setACL");
    ScenarioRunner.checkThrows(KeeperException.NoAuthException.class, "anonymous setData",
        () -> anonymous.setData(node, bytes("x"), -1));
    ScenarioRunner.checkThrows(KeeperException.InvalidACLException.class, "CREATOR_ALL_ACL without auth",
        () -> anonymous.create(base + "/x", null, ZooDefs.Ids.CREATOR_ALL_ACL, CreateMode.PERSISTENT));
    // exists checks no permission at all (getData and getChildren need READ).
    zk.create(base + "/secret", null, ZooDefs.Ids.CREATOR_ALL_ACL, CreateMode.PERSISTENT);
    ScenarioRunner.checkThrows(KeeperException.NoAuthException.class, "anonymous getChildren of a digest-only node",
        () -> anonymous.getChildren(base + "/secret", false));
    Stat secret = null;
    try {
      secret = anonymous.exists(base + "/secret", false);
    } catch (KeeperException e) {
      throw new ScenarioRunner.Failure("anonymous exists of a digest-only node: expected its Stat, got " + e);
    }
    ScenarioRunner.check(secret != null, "anonymous exists of a digest-only node returned null");
  }

  static void whoAmI(ScenarioRunner.Context c) throws Exception {
    ZooKeeper zk = c.use(connect(c.connectString));
    ScenarioRunner.checkEqual(describe(zk.whoAmI()), List.of("ip:127.0.0.1"), "whoAmI before addAuthInfo");
    zk.addAuthInfo("digest", "alice:secret".getBytes(StandardCharsets.UTF_8));
    // The user of a digest identity is the name alone, without the password hash.
    ScenarioRunner.checkEqual(describe(zk.whoAmI()), List.of("digest:alice", "ip:127.0.0.1"),
        "whoAmI after addAuthInfo(digest, alice:secret)");
  }

  static void watchesAcrossReconnect(ScenarioRunner.Context c) throws Exception {
    TcpProxy proxy = c.use(TcpProxy.start(c.connectString));
    Events states = new Events();
    ZooKeeper zk = c.use(connect(proxy.connectString(), states));
    ZooKeeper writer = c.use(connect(c.connectString));
    String base = c.base;
    writer.create(base, null, OPEN, CreateMode.PERSISTENT);
    for (String name : List.of("changed", "deleted", "kids", "quiet", "tree")) {
      writer.create(base + "/" + name, null, OPEN, CreateMode.PERSISTENT);
    }
    Events changed = new Events();
    Events deleted = new Events();
    Events created = new Events();
    Events kids = new Events();
    Events quiet = new Events();
    Events tree = new Events();
    zk.getData(base + "/changed", changed, null);
    zk.getData(base + "/deleted", deleted, null);
    zk.exists(base + "/created", created);
    zk.getChildren(base + "/kids", kids);
    zk.getData(base + "/quiet", quiet, null);
    zk.addWatch(base + "/tree", tree, AddWatchMode.PERSISTENT_RECURSIVE);

    // Changes while the client is cut off: on reconnect it re-sends its watches with the last
    // zxid it saw (SetWatches2), and the server fires those whose nodes changed since.
    proxy.block();
    states.awaitState(Watcher.Event.KeeperState.Disconnected, "Disconnected after the proxy cut the connection");
    writer.setData(base + "/changed", bytes("x"), -1);
    writer.delete(base + "/deleted", -1);
    writer.create(base + "/created", null, OPEN, CreateMode.PERSISTENT);
    writer.create(base + "/kids/k", null, OPEN, CreateMode.PERSISTENT);
    writer.create(base + "/tree/missed", null, OPEN, CreateMode.PERSISTENT);
    proxy.unblock();
    states.awaitState(Watcher.Event.KeeperState.SyncConnected, "SyncConnected through the proxy again");
    fence(zk, base);
    ScenarioRunner.checkEqual(changed.drain(), List.of("NodeDataChanged " + base + "/changed"), "data watch");
    ScenarioRunner.checkEqual(deleted.drain(), List.of("NodeDeleted " + base + "/deleted"), "data watch on delete");
    ScenarioRunner.checkEqual(created.drain(), List.of("NodeCreated " + base + "/created"), "exists watch");
    ScenarioRunner.checkEqual(kids.drain(), List.of("NodeChildrenChanged " + base + "/kids"), "child watch");
    ScenarioRunner.checkEqual(quiet.drain(), List.of(), "a watch on an unchanged node");
    ScenarioRunner.checkEqual(tree.drain(), List.of(), "a persistent watch does not replay missed changes");

    // The re-registered watches still work.
    writer.setData(base + "/quiet", bytes("x"), -1);
    writer.create(base + "/tree/after", null, OPEN, CreateMode.PERSISTENT);
    fence(zk, base);
    ScenarioRunner.checkEqual(quiet.drain(), List.of("NodeDataChanged " + base + "/quiet"), "re-sent data watch");
    ScenarioRunner.checkEqual(tree.drain(), List.of("NodeCreated " + base + "/tree/after"), "re-sent recursive watch");
  }

  static void pipelinedOrder(ScenarioRunner.Context c) throws Exception {
    ZooKeeper zk = c.use(connect(c.connectString));
    String node = c.base;
    zk.create(node, bytes("-1"), OPEN, CreateMode.PERSISTENT);
    int n = 300;
    List<String> replies = java.util.Collections.synchronizedList(new ArrayList<>());
    CountDownLatch done = new CountDownLatch(2 * n);
    for (int i = 0; i < n; i++) {
      zk.setData(node, bytes(Integer.toString(i)), i, (rc, path, ctx, stat) -> {
        replies.add("set " + ctx + " rc=" + rc + " v=" + (stat == null ? -1 : stat.getVersion()));
        done.countDown();
      }, i);
      zk.getData(node, false, (rc, path, ctx, data, stat) -> {
        replies.add("get " + ctx + " rc=" + rc + " data=" + string(data));
        done.countDown();
      }, i);
    }
    ScenarioRunner.check(done.await(ScenarioRunner.WAIT_MS, TimeUnit.MILLISECONDS), "all replies");
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      expected.add("set " + i + " rc=0 v=" + (i + 1));
      expected.add("get " + i + " rc=0 data=" + i);
    }
    ScenarioRunner.checkEqual(replies.equals(expected), true,
        "replies in request order, each read seeing the write before it (first difference: "
            + firstDifference(replies, expected) + ")");
  }

  static void specialNodes(ScenarioRunner.Context c) throws Exception {
    ZooKeeper zk = c.use(connect(c.connectString));
    ScenarioRunner.checkEqual(sorted(zk.getChildren("/zookeeper", false)), List.of("config", "quota"),
        "children of /zookeeper");
    Stat stat = new Stat();
    byte[] config = zk.getConfig(false, stat);
    ScenarioRunner.checkEqual(config.length, 0, "getConfig data length (standalone)");
    // ZooKeeper sets the config node's ACL with version -1 at start-up, which it stores as is.
    ScenarioRunner.checkEqual(List.of(stat.getVersion(), stat.getAversion(), stat.getCzxid()), List.of(0, -1, 0L),
        "Stat of /zookeeper/config (version, aversion, czxid)");
    List<ACL> acl = zk.getACL("/zookeeper/config", null);
    ScenarioRunner.checkEqual(acl, ZooDefs.Ids.READ_ACL_UNSAFE, "ACL of /zookeeper/config");
    ScenarioRunner.checkThrows(KeeperException.NoAuthException.class, "setData of /zookeeper/config",
        () -> zk.setData("/zookeeper/config", bytes("x"), -1));
    ScenarioRunner.checkThrows(KeeperException.BadArgumentsException.class, "delete of /zookeeper",
        () -> {
          zk.delete("/zookeeper", -1);
          return null;
        });
  }

  static void connectOptions(ScenarioRunner.Context c) throws Exception {
    // The server grants a timeout within [2, 20] ticks: 1000..10000 ms at tickTime 500.
    List<Integer> granted = new ArrayList<>();
    for (int asked : new int[] {100, 4_000, 100_000}) {
      CountDownLatch connected = new CountDownLatch(1);
      ZooKeeper zk = c.use(new ZooKeeper(c.connectString, asked, event -> {
        if (event.getState() == Watcher.Event.KeeperState.SyncConnected) connected.countDown();
      }));
      ScenarioRunner.check(connected.await(8, TimeUnit.SECONDS), "connect asking for " + asked + " ms");
      granted.add(zk.getSessionTimeout());
    }
    ScenarioRunner.checkEqual(granted, List.of(1_000, 4_000, 10_000), "negotiated session timeouts (tickTime 500)");

    // A client that accepts read-only servers gets a read-write session from a read-write one.
    CountDownLatch connected = new CountDownLatch(1);
    ZooKeeper zk = c.use(new ZooKeeper(c.connectString, SESSION_TIMEOUT_MS, event -> {
      if (event.getState() == Watcher.Event.KeeperState.SyncConnected) connected.countDown();
    }, true));
    ScenarioRunner.check(connected.await(8, TimeUnit.SECONDS), "SyncConnected with canBeReadOnly");
    ScenarioRunner.checkEqual(zk.getState(), ZooKeeper.States.CONNECTED, "state with canBeReadOnly");
    zk.create(c.base, null, OPEN, CreateMode.PERSISTENT);
  }

  static void sessionTakeOverAndExpiry(ScenarioRunner.Context c) throws Exception {
    ZooKeeper observer = c.use(connect(c.connectString));
    String base = c.base;
    observer.create(base, null, OPEN, CreateMode.PERSISTENT);
    Events victimEvents = new Events();
    ZooKeeper victim = c.use(connect(c.connectString, victimEvents));
    long id = victim.getSessionId();
    byte[] password = victim.getSessionPasswd();
    victim.create(base + "/eph", null, OPEN, CreateMode.EPHEMERAL);

    // A wrong password is refused with an expired session, and the real session is untouched.
    Events wrongEvents = new Events();
    byte[] wrong = password.clone();
    wrong[0] ^= 1;
    try (ZooKeeper impostor = new ZooKeeper(c.connectString, SESSION_TIMEOUT_MS, wrongEvents, id, wrong)) {
      wrongEvents.awaitState(Watcher.Event.KeeperState.Expired, "Expired for a wrong session password");
    }
    ScenarioRunner.check(observer.exists(base + "/eph", false) != null, "a wrong password ended the session");

    // Taking the session over keeps it (and its ephemerals); closing it from there ends it.
    ZooKeeper thief = new ZooKeeper(c.connectString, SESSION_TIMEOUT_MS, event -> {}, id, password);
    ScenarioRunner.waitUntil(() -> thief.getState().isConnected(), "the take-over connection");
    ScenarioRunner.checkEqual(thief.getSessionId(), id, "session id after the take-over");
    ScenarioRunner.check(observer.exists(base + "/eph", false) != null, "the take-over lost the ephemeral");
    thief.close();
    ScenarioRunner.check(observer.exists(base + "/eph", false) == null, "ephemeral after closing the session");
    victimEvents.awaitState(Watcher.Event.KeeperState.Expired, "the first client to learn its session expired");
  }

  static void syncAndClose(ScenarioRunner.Context c) throws Exception {
    ZooKeeper zk = connect(c.connectString);
    ZooKeeper observer = c.use(connect(c.connectString));
    String base = c.base;
    zk.create(base, null, OPEN, CreateMode.PERSISTENT);
    CountDownLatch synced = new CountDownLatch(1);
    AtomicReference<String> syncResult = new AtomicReference<>();
    zk.sync(base, (rc, path, ctx) -> {
      syncResult.set(rc + " " + path + " " + ctx);
      synced.countDown();
    }, "ctx");
    ScenarioRunner.check(synced.await(ScenarioRunner.WAIT_MS, TimeUnit.MILLISECONDS), "sync callback");
    ScenarioRunner.checkEqual(syncResult.get(), "0 " + base + " ctx", "sync callback (rc path ctx)");

    zk.create(base + "/eph", null, OPEN, CreateMode.EPHEMERAL);
    Events gone = new Events();
    observer.exists(base + "/eph", gone);
    ScenarioRunner.check(zk.close((int) ScenarioRunner.WAIT_MS), "close(timeout)");
    ScenarioRunner.checkEqual(zk.getState(), ZooKeeper.States.CLOSED, "state after close");
    fence(observer, base);
    ScenarioRunner.checkEqual(gone.drain(), List.of("NodeDeleted " + base + "/eph"), "ephemeral after close");
  }
}
