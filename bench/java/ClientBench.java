import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.zookeeper.AsyncCallback;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Stat;

/**
 * One row of the client benchmark with Apache ZooKeeper's own Java client (bench/src/client-bench.ts
 * compiles and spawns it). A window of 1 uses the synchronous API (one request outstanding); a
 * larger window uses the asynchronous callback API with at most `window` requests in flight.
 *
 * Arguments: connectString op window count warmup base dataSize readNodes
 * (op: create | getData | setData | exists | delete). Nodes are named base + "/n" + i; create
 * and delete use i in [0, warmup + count) (the orchestrator prepared them for delete), reads and
 * setData cycle over the readNodes nodes it prepared. Prints one JSON object on stdout.
 */
public final class ClientBench {
  private static final List<ACL> ACL_OPEN = ZooDefs.Ids.OPEN_ACL_UNSAFE;

  private final ZooKeeper zk;
  private final String op;
  private final String base;
  private final byte[] data;
  private final int readNodes;

  private ClientBench(ZooKeeper zk, String op, String base, byte[] data, int readNodes) {
    this.zk = zk;
    this.op = op;
    this.base = base;
    this.data = data;
    this.readNodes = readNodes;
  }

  public static void main(String[] args) throws Exception {
    if (args.length != 8) {
      System.err.println("usage: ClientBench connectString op window count warmup base dataSize readNodes");
      System.exit(2);
    }
    String connect = args[0];
    String op = args[1];
    int window = Integer.parseInt(args[2]);
    int count = Integer.parseInt(args[3]);
    int warmup = Integer.parseInt(args[4]);
    String base = args[5];
    byte[] data = new byte[Integer.parseInt(args[6])];
    Arrays.fill(data, (byte) 'x');
    int readNodes = Integer.parseInt(args[7]);

    CountDownLatch connected = new CountDownLatch(1);
    ZooKeeper zk = new ZooKeeper(connect, 30_000, event -> {
      if (event.getState() == Watcher.Event.KeeperState.SyncConnected) connected.countDown();
    });
    try {
      if (!connected.await(15, TimeUnit.SECONDS)) throw new IllegalStateException("no session within 15 s");
      ClientBench bench = new ClientBench(zk, op, base, data, readNodes);
      bench.run(window, 0, warmup, null);
      long[] latencies = new long[count];
      long cpu0 = processCpuNanos();
      long start = System.nanoTime();
      bench.run(window, warmup, count, latencies);
      long elapsed = System.nanoTime() - start;
      long cpu = processCpuNanos() - cpu0;
      Arrays.sort(latencies);
      System.out.println("{\"client\":\"java\",\"op\":\"" + op + "\",\"window\":" + window + ",\"count\":" + count
          + ",\"seconds\":" + elapsed / 1e9 + ",\"p50\":" + percentile(latencies, 0.50) / 1e6 + ",\"p99\":"
          + percentile(latencies, 0.99) / 1e6 + ",\"cpuMs\":" + cpu / 1e6 + "}");
    } finally {
      zk.close();
    }
  }

  /** CPU time of the whole JVM (every thread: client, JIT compiler, GC), in ns. */
  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }

  /** Nearest-rank percentile of sorted values (the same definition as the Node runner's). */
  private static long percentile(long[] sorted, double q) {
    if (sorted.length == 0) return 0;
    int rank = (int) Math.ceil(q * sorted.length);
    return sorted[Math.max(0, rank - 1)];
  }

  private String path(int i) {
    return op.equals("create") || op.equals("delete") ? base + "/n" + i : base + "/n" + (i % readNodes);
  }

  private void run(int window, int first, int count, long[] latencies) throws Exception {
    if (window == 1) runSync(first, count, latencies);
    else runAsync(window, first, count, latencies);
  }

  private void runSync(int first, int count, long[] latencies) throws Exception {
    Stat stat = new Stat();
    for (int i = 0; i < count; i++) {
      String path = path(first + i);
      long t0 = System.nanoTime();
      switch (op) {
        // The 5-argument create sends create2 (the reply carries the Stat), as @zookit/client's create does.
        case "create" -> zk.create(path, data, ACL_OPEN, CreateMode.PERSISTENT, stat);
        case "getData" -> zk.getData(path, false, stat);
        case "setData" -> zk.setData(path, data, -1);
        case "exists" -> {
          if (zk.exists(path, false) == null) throw new IllegalStateException("missing " + path);
        }
        case "delete" -> zk.delete(path, -1);
        default -> throw new IllegalArgumentException("unknown op " + op);
      }
      if (latencies != null) latencies[i] = System.nanoTime() - t0;
    }
  }

  private void runAsync(int window, int first, int count, long[] latencies) throws Exception {
    Semaphore inFlight = new Semaphore(window);
    AtomicReference<String> failure = new AtomicReference<>();
    AtomicInteger done = new AtomicInteger();
    long[] starts = new long[count];
    for (int i = 0; i < count && failure.get() == null; i++) {
      inFlight.acquire();
      final int k = i;
      String path = path(first + i);
      starts[k] = System.nanoTime();
      // Completion: record the latency, then free a slot. Callbacks run on the client's event thread.
      Runnable finish = () -> {
        if (latencies != null) latencies[k] = System.nanoTime() - starts[k];
        done.incrementAndGet();
        inFlight.release();
      };
      switch (op) {
        case "create" -> zk.create(path, data, ACL_OPEN, CreateMode.PERSISTENT,
            (AsyncCallback.Create2Callback) (rc, p, ctx, name, s) -> complete(rc, p, failure, finish), null);
        case "getData" -> zk.getData(path, false, (rc, p, ctx, d, s) -> complete(rc, p, failure, finish), null);
        case "setData" -> zk.setData(path, data, -1, (rc, p, ctx, s) -> complete(rc, p, failure, finish), null);
        case "exists" -> zk.exists(path, false, (rc, p, ctx, s) -> complete(rc, p, failure, finish), null);
        case "delete" -> zk.delete(path, -1, (rc, p, ctx) -> complete(rc, p, failure, finish), null);
        default -> throw new IllegalArgumentException("unknown op " + op);
      }
    }
    inFlight.acquire(window); // every request has completed
    if (failure.get() != null) throw new IllegalStateException(failure.get());
    if (done.get() != count) throw new IllegalStateException("completed " + done.get() + " of " + count);
  }

  private static void complete(int rc, String path, AtomicReference<String> failure, Runnable finish) {
    if (rc != KeeperException.Code.OK.intValue()) {
      failure.compareAndSet(null, KeeperException.Code.get(rc) + " on " + path);
    }
    finish.run();
  }
}
