// Service discovery benchmark, Curator side (bench/recipes/discovery-bench.ts compiles and runs it):
// java DiscoveryBench <connectString> <basePath> <warmup> <rounds>
// Prints one JSON object (milliseconds) on stdout.
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.curator.x.discovery.ServiceCache;
import org.apache.curator.x.discovery.ServiceDiscovery;
import org.apache.curator.x.discovery.ServiceDiscoveryBuilder;
import org.apache.curator.x.discovery.ServiceInstance;
import org.apache.curator.x.discovery.details.ServiceCacheListener;

public final class DiscoveryBench {
  public static void main(String[] args) throws Exception {
    String connectString = args[0];
    String base = args[1];
    int warmup = Integer.parseInt(args[2]);
    int rounds = Integer.parseInt(args[3]);
    try (CuratorFramework registrarClient = session(connectString);
        CuratorFramework observerClient = session(connectString);
        ServiceDiscovery<Map> registrar = discovery(registrarClient, base);
        ServiceDiscovery<Map> observer = discovery(observerClient, base);
        ServiceCache<Map> cache = observer.serviceCacheBuilder().name("bench").build()) {
      Object changed = new Object();
      cache.addListener(new ServiceCacheListener() {
        @Override
        public void cacheChanged() {
          synchronized (changed) {
            changed.notifyAll();
          }
        }

        @Override
        public void stateChanged(CuratorFramework client, ConnectionState state) {}
      });
      cache.start();
      List<Double> visible = new ArrayList<>();
      List<Double> gone = new ArrayList<>();
      for (int r = 0; r < warmup + rounds; r++) {
        ServiceInstance<Map> instance = ServiceInstance.<Map>builder()
            .name("bench").id("i" + r).address("localhost").port(8080).build();
        long t0 = System.nanoTime();
        registrar.registerService(instance);
        await(cache, changed, instance.getId(), true);
        long t1 = System.nanoTime();
        registrar.unregisterService(instance);
        await(cache, changed, instance.getId(), false);
        long t2 = System.nanoTime();
        if (r >= warmup) {
          visible.add((t1 - t0) / 1e6);
          gone.add((t2 - t1) / 1e6);
        }
      }
      System.out.println(String.format(java.util.Locale.ROOT,
          "{\"visibleP50\":%.4f,\"visibleP99\":%.4f,\"goneP50\":%.4f,\"goneP99\":%.4f}",
          percentile(visible, 0.5), percentile(visible, 0.99), percentile(gone, 0.5), percentile(gone, 0.99)));
    }
    System.out.flush();
    Runtime.getRuntime().halt(0);
  }

  /** Waits (at most 10 s) until the cache's view of {@code id} is {@code present}, woken by its listener. */
  private static void await(ServiceCache<Map> cache, Object changed, String id, boolean present) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    synchronized (changed) {
      while (cache.getInstances().stream().anyMatch(i -> i.getId().equals(id)) != present) {
        long left = deadline - System.nanoTime();
        if (left <= 0) throw new IllegalStateException("instance " + id + " never " + (present ? "seen" : "gone"));
        TimeUnit.NANOSECONDS.timedWait(changed, left);
      }
    }
  }

  private static ServiceDiscovery<Map> discovery(CuratorFramework client, String base) throws Exception {
    ServiceDiscovery<Map> discovery = ServiceDiscoveryBuilder.builder(Map.class).client(client).basePath(base).build();
    discovery.start();
    return discovery;
  }

  private static CuratorFramework session(String connectString) throws Exception {
    CuratorFramework client = CuratorFrameworkFactory.newClient(connectString, new ExponentialBackoffRetry(1000, 3));
    client.start();
    client.blockUntilConnected(10, TimeUnit.SECONDS);
    return client;
  }

  private static double percentile(List<Double> values, double q) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int i = (int) Math.ceil(q * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
  }
}
