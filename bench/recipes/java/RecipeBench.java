// Recipe benchmark, Curator side (bench/recipes/recipe-bench.ts compiles and runs it):
// java RecipeBench <connectString> <basePath> <mutexTotal> <cycles> <rounds> <countTotal>
// Prints one JSON object (milliseconds and per-second rates) on stdout.
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.recipes.barriers.DistributedDoubleBarrier;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.framework.recipes.leader.LeaderLatchListener;
import org.apache.curator.framework.recipes.locks.InterProcessMutex;
import org.apache.curator.framework.recipes.shared.SharedCount;
import org.apache.curator.framework.recipes.shared.VersionedValue;
import org.apache.curator.retry.ExponentialBackoffRetry;

public final class RecipeBench {
  private static String connectString;
  private static final Map<String, Double> out = new LinkedHashMap<>();

  public static void main(String[] args) throws Exception {
    connectString = args[0];
    String base = args[1];
    int mutexTotal = Integer.parseInt(args[2]);
    int cycles = Integer.parseInt(args[3]);
    int rounds = Integer.parseInt(args[4]);
    int countTotal = Integer.parseInt(args[5]);
    try (CuratorFramework admin = session()) {
      admin.create().creatingParentsIfNeeded().forPath(base);
    }
    uncontended(base + "/warm", Math.min(100, cycles), false);
    contended(base + "/mutex", mutexTotal, 8);
    uncontended(base + "/solo", cycles, true);
    latchFailover(base, rounds);
    doubleBarrier(base, rounds, 5);
    sharedCount(base + "/count", countTotal, 4);
    StringBuilder json = new StringBuilder("{");
    for (Map.Entry<String, Double> e : out.entrySet()) {
      if (json.length() > 1) json.append(',');
      json.append('"').append(e.getKey()).append("\":").append(e.getValue());
    }
    System.out.println(json.append('}'));
    System.out.flush();
    System.exit(0);
  }

  private static CuratorFramework session() throws InterruptedException {
    CuratorFramework c = CuratorFrameworkFactory.newClient(connectString, new ExponentialBackoffRetry(1000, 3));
    c.start();
    if (!c.blockUntilConnected(30, TimeUnit.SECONDS)) throw new IllegalStateException("no connection");
    return c;
  }

  private static List<CuratorFramework> sessions(int n) throws InterruptedException {
    List<CuratorFramework> list = new ArrayList<>();
    for (int i = 0; i < n; i++) list.add(session());
    return list;
  }

  private static void closeAll(List<CuratorFramework> list) {
    for (CuratorFramework c : list) c.close();
  }

  private static double pct(double[] values, int n, double q) {
    double[] sorted = Arrays.copyOf(values, n);
    Arrays.sort(sorted);
    return sorted[Math.max(0, Math.min(n - 1, (int) Math.ceil(q * n) - 1))];
  }

  private static double ms(long nanos) {
    return nanos / 1e6;
  }

  /** n sessions in n threads take turns on one lock until `total` acquisitions. */
  private static void contended(String path, int total, int n) throws Exception {
    List<CuratorFramework> clients = sessions(n);
    AtomicInteger taken = new AtomicInteger();
    AtomicLong releasedAt = new AtomicLong(0);
    double[] handoff = new double[total];
    AtomicInteger handoffs = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(n);
    List<Future<?>> running = new ArrayList<>();
    long start = System.nanoTime();
    for (CuratorFramework c : clients) {
      running.add(pool.submit(() -> {
        InterProcessMutex mutex = new InterProcessMutex(c, path);
        for (;;) {
          mutex.acquire();
          long now = System.nanoTime();
          if (taken.getAndIncrement() >= total) {
            mutex.release();
            return null;
          }
          long last = releasedAt.get();
          if (last != 0) handoff[handoffs.getAndIncrement()] = ms(now - last);
          releasedAt.set(System.nanoTime());
          mutex.release();
        }
      }));
    }
    for (Future<?> f : running) f.get();
    long elapsed = System.nanoTime() - start;
    pool.shutdown();
    closeAll(clients);
    out.put("mutexPerSec", total / (elapsed / 1e9));
    out.put("handoffP50", pct(handoff, handoffs.get(), 0.5));
    out.put("handoffP99", pct(handoff, handoffs.get(), 0.99));
  }

  private static void uncontended(String path, int cycles, boolean record) throws Exception {
    try (CuratorFramework c = session()) {
      InterProcessMutex mutex = new InterProcessMutex(c, path);
      double[] lat = new double[cycles];
      for (int i = 0; i < cycles; i++) {
        long t0 = System.nanoTime();
        mutex.acquire();
        mutex.release();
        lat[i] = ms(System.nanoTime() - t0);
      }
      if (record) {
        out.put("soloP50", pct(lat, cycles, 0.5));
        out.put("soloP99", pct(lat, cycles, 0.99));
      }
    }
  }

  /** 3 latches; per round: wait for a leader, close it, time until another one reports leadership. */
  private static void latchFailover(String base, int rounds) throws Exception {
    List<CuratorFramework> clients = sessions(3);
    double[] failover = new double[rounds];
    for (int r = 0; r < rounds; r++) {
      String path = base + "/latch-" + r;
      CountDownLatch first = new CountDownLatch(1);
      CountDownLatch second = new CountDownLatch(2);
      AtomicLong secondAt = new AtomicLong();
      List<LeaderLatch> latches = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        LeaderLatch latch = new LeaderLatch(clients.get(i), path, "p" + i);
        latch.addListener(new LeaderLatchListener() {
          @Override
          public void isLeader() {
            if (first.getCount() == 0) secondAt.compareAndSet(0, System.nanoTime());
            first.countDown();
            second.countDown();
          }

          @Override
          public void notLeader() {}
        });
        latches.add(latch);
      }
      for (LeaderLatch latch : latches) latch.start();
      if (!first.await(30, TimeUnit.SECONDS)) throw new IllegalStateException("no leader");
      LeaderLatch leader = latches.stream().filter(LeaderLatch::hasLeadership).findFirst().orElseThrow();
      long t0 = System.nanoTime();
      leader.close();
      if (!second.await(30, TimeUnit.SECONDS)) throw new IllegalStateException("no failover");
      failover[r] = ms(secondAt.get() - t0);
      for (LeaderLatch latch : latches) {
        if (latch != leader) latch.close();
      }
    }
    closeAll(clients);
    out.put("latchFailoverP50", pct(failover, rounds, 0.5));
  }

  private static void doubleBarrier(String base, int rounds, int members) throws Exception {
    List<CuratorFramework> clients = sessions(members);
    ExecutorService pool = Executors.newFixedThreadPool(members);
    double[] times = new double[rounds];
    for (int r = 0; r < rounds; r++) {
      String path = base + "/barrier-" + r;
      List<Future<?>> running = new ArrayList<>();
      long t0 = System.nanoTime();
      for (CuratorFramework c : clients) {
        running.add(pool.submit(() -> {
          DistributedDoubleBarrier barrier = new DistributedDoubleBarrier(c, path, members);
          barrier.enter();
          barrier.leave();
          return null;
        }));
      }
      for (Future<?> f : running) f.get(60, TimeUnit.SECONDS);
      times[r] = ms(System.nanoTime() - t0);
    }
    pool.shutdown();
    closeAll(clients);
    out.put("barrierP50", pct(times, rounds, 0.5));
  }

  /** n sessions each run a compare-and-set loop (+1) until the count reaches `total`. */
  private static void sharedCount(String path, int total, int n) throws Exception {
    List<CuratorFramework> clients = sessions(n);
    List<SharedCount> counts = new ArrayList<>();
    for (CuratorFramework c : clients) {
      SharedCount count = new SharedCount(c, path, 0);
      count.start();
      counts.add(count);
    }
    ExecutorService pool = Executors.newFixedThreadPool(n);
    List<Future<?>> running = new ArrayList<>();
    AtomicInteger attempts = new AtomicInteger();
    long start = System.nanoTime();
    for (SharedCount count : counts) {
      running.add(pool.submit(() -> {
        for (;;) {
          VersionedValue<Integer> v = count.getVersionedValue();
          if (v.getValue() >= total) return null;
          attempts.incrementAndGet();
          count.trySetCount(v, v.getValue() + 1);
        }
      }));
    }
    for (Future<?> f : running) f.get();
    long elapsed = System.nanoTime() - start;
    pool.shutdown();
    for (SharedCount count : counts) count.close();
    closeAll(clients);
    out.put("countPerSec", total / (elapsed / 1e9));
    out.put("countAttempts", (double) attempts.get());
  }
}
