import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.OpResult;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.ClientInfo;

/**
 * Helpers of the ZooKeeper-client scenario (which extends this class to call them unqualified):
 * connecting, recording watch events, the event fence, result formatting.
 */
class ZkSupport {
  static final int SESSION_TIMEOUT_MS = 4_000;
  static final List<ACL> OPEN = ZooDefs.Ids.OPEN_ACL_UNSAFE;

  /** Records what a watcher receives, as "EventType path"; connection states separately. */
  static final class Events implements Watcher {
    private final LinkedBlockingQueue<String> nodeEvents = new LinkedBlockingQueue<>();
    private final LinkedBlockingQueue<Watcher.Event.KeeperState> states = new LinkedBlockingQueue<>();

    @Override
    public void process(WatchedEvent event) {
      if (event.getType() == Event.EventType.None) {
        states.add(event.getState());
      } else {
        nodeEvents.add(event.getType() + " " + event.getPath());
      }
    }

    List<String> drain() {
      List<String> out = new ArrayList<>();
      nodeEvents.drainTo(out);
      return out;
    }

    void awaitState(Watcher.Event.KeeperState state, String what) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ScenarioRunner.WAIT_MS);
      List<Watcher.Event.KeeperState> seen = new ArrayList<>();
      while (true) {
        Watcher.Event.KeeperState next = states.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        if (next == null) throw new ScenarioRunner.Failure("timed out waiting for " + what + " (saw " + seen + ")");
        seen.add(next);
        if (next == state) return;
      }
    }
  }

  static ZooKeeper connect(String connectString) throws Exception {
    return connect(connectString, new Events());
  }

  static ZooKeeper connect(String connectString, Events events) throws Exception {
    CountDownLatch connected = new CountDownLatch(1);
    ZooKeeper zk = new ZooKeeper(connectString, SESSION_TIMEOUT_MS, event -> {
      if (event.getState() == Watcher.Event.KeeperState.SyncConnected) connected.countDown();
      events.process(event);
    });
    if (!connected.await(8, TimeUnit.SECONDS)) {
      zk.close();
      throw new ScenarioRunner.Failure("no SyncConnected within 8 s from " + connectString);
    }
    return zk;
  }

  /**
   * Returns once every watch event the server sent zk before now has been delivered: the server
   * sends events in order and the client delivers them in order on one thread.
   */
  static void fence(ZooKeeper zk, String base) throws Exception {
    String path = base + "/fence-" + UUID.randomUUID();
    CountDownLatch fired = new CountDownLatch(1);
    zk.exists(path, event -> fired.countDown());
    zk.create(path, null, OPEN, CreateMode.PERSISTENT);
    ScenarioRunner.check(fired.await(ScenarioRunner.WAIT_MS, TimeUnit.MILLISECONDS),
        "the exists watch on " + path + " did not fire after its creation");
    zk.delete(path, -1);
  }

  static boolean gone(ZooKeeper zk, String path) {
    try {
      return zk.exists(path, false) == null;
    } catch (Exception e) {
      throw new RuntimeException(e);
    }
  }

  static List<String> kinds(List<OpResult> results) {
    return results.stream().map(r -> r.getClass().getSimpleName()).collect(Collectors.toList());
  }

  static List<Integer> errorCodes(List<OpResult> results) {
    if (results == null) return null;
    return results.stream()
        .map(r -> r instanceof OpResult.ErrorResult ? ((OpResult.ErrorResult) r).getErr() : Integer.MIN_VALUE)
        .collect(Collectors.toList());
  }

  static List<String> describe(List<ClientInfo> infos) {
    List<String> out = new ArrayList<>();
    for (ClientInfo info : infos) out.add(info.getAuthScheme() + ":" + info.getUser());
    return sorted(out);
  }

  static String firstDifference(List<String> actual, List<String> expected) {
    for (int i = 0; i < Math.max(actual.size(), expected.size()); i++) {
      String a = i < actual.size() ? actual.get(i) : "(none)";
      String e = i < expected.size() ? expected.get(i) : "(none)";
      if (!a.equals(e)) return "#" + i + " expected " + e + ", got " + a;
    }
    return "none";
  }

  static List<String> sorted(List<String> values) {
    List<String> copy = new ArrayList<>(values);
    copy.sort(null);
    return copy;
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static String string(byte[] data) {
    return data == null ? null : new String(data, StandardCharsets.UTF_8);
  }
}
