import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.x.discovery.ServiceCache;
import org.apache.curator.x.discovery.ServiceDiscovery;
import org.apache.curator.x.discovery.ServiceDiscoveryBuilder;
import org.apache.curator.x.discovery.ServiceInstance;
import org.apache.curator.x.discovery.ServiceInstanceBuilder;
import org.apache.curator.x.discovery.ServiceProvider;
import org.apache.curator.x.discovery.ServiceType;
import org.apache.curator.x.discovery.UriSpec;
import org.apache.curator.x.discovery.details.JsonInstanceSerializer;
import org.apache.curator.x.discovery.details.ServiceCacheListener;

/**
 * A Java service and client using curator-x-discovery 5.4 on the same base path as zookit's
 * ServiceDiscovery, driven by the test over stdin/stdout, one line per command and answer.
 *
 * <p>Usage: java DiscoveryInteropScenario HOST:PORT BASEPATH. Prints {@code ready}, then per line:
 *
 * <ul>
 *   <li>{@code register NAME ID PORT SSLPORT|- ENABLED URISPEC}: registers a DYNAMIC instance at
 *       address {@code java-host}, registration time 1700000000000, payload the Map
 *       {@code {"zone":ID,"weight":3}}; prints {@code registered ID}.
 *   <li>{@code unregister NAME ID}: prints {@code unregistered ID}.
 *   <li>{@code read NAME}: prints {@code query JSON}, {@code cache JSON} and {@code provider JSON}
 *       (arrays of the instances read by queryForInstances, a fresh ServiceCache and a fresh
 *       ServiceProvider's getAllInstances (which leaves out disabled ones), each as Curator serializes it, by id), then
 *       {@code pick ID|null} (provider.getInstance()) and {@code uri ID URI} per instance.
 *   <li>{@code watch NAME}: starts a ServiceCache that prints {@code cache-changed IDS} (sorted,
 *       comma separated, {@code -} for none) at once and on each change.
 *   <li>{@code close}: closes everything, prints {@code closed} and exits 0.
 * </ul>
 *
 * <p>The serializer writes {@code enabled} (Curator's default one leaves it out). Errors print
 * {@code ERROR ...} and exit 1; the end of stdin exits 4; a 60 s watchdog exits 3.
 */
public final class DiscoveryInteropScenario extends CuratorSupport {
  private static final long WATCHDOG_MS = 60_000;
  private static final JsonInstanceSerializer<Map> SERIALIZER = new JsonInstanceSerializer<>(Map.class, false);

  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      System.err.println("usage: DiscoveryInteropScenario HOST:PORT BASEPATH");
      System.exit(2);
    }
    startWatchdog(WATCHDOG_MS);
    int code = 4;
    List<AutoCloseable> opened = new ArrayList<>();
    try (CuratorFramework client = connect(args[0])) {
      ServiceDiscovery<Map> discovery = ServiceDiscoveryBuilder.builder(Map.class)
          .client(client)
          .basePath(args[1])
          .serializer(SERIALIZER)
          .build();
      discovery.start();
      opened.add(discovery);
      say("ready");
      BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        String[] w = line.trim().split(" ");
        if (w[0].equals("close")) {
          code = 0;
          break;
        }
        run(discovery, w, opened);
      }
      for (int i = opened.size() - 1; i >= 0; i--) opened.get(i).close();
      if (code == 0) say("closed");
    } catch (Throwable t) {
      say("ERROR " + t);
      t.printStackTrace();
      code = 1;
    }
    System.out.flush();
    // Curator's and ZooKeeper's non-daemon threads must not keep the JVM alive.
    Runtime.getRuntime().halt(code);
  }

  private static void run(ServiceDiscovery<Map> discovery, String[] w, List<AutoCloseable> opened) throws Exception {
    switch (w[0]) {
      case "register": {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("zone", w[2]);
        payload.put("weight", 3);
        ServiceInstanceBuilder<Map> builder = ServiceInstance.<Map>builder();
        // sslPort(int) takes a primitive: left unset, it stays null.
        if (!w[4].equals("-")) builder.sslPort(Integer.parseInt(w[4]));
        ServiceInstance<Map> instance = builder
            .name(w[1])
            .id(w[2])
            .address("java-host")
            .port(Integer.parseInt(w[3]))
            .enabled(Boolean.parseBoolean(w[5]))
            .uriSpec(new UriSpec(w[6]))
            .payload(payload)
            .registrationTimeUTC(1700000000000L)
            .serviceType(ServiceType.DYNAMIC)
            .build();
        discovery.registerService(instance);
        say("registered " + w[2]);
        break;
      }
      case "unregister": {
        discovery.unregisterService(discovery.queryForInstance(w[1], w[2]));
        say("unregistered " + w[2]);
        break;
      }
      case "read": {
        say("query " + json(discovery.queryForInstances(w[1])));
        try (ServiceCache<Map> cache = discovery.serviceCacheBuilder().name(w[1]).build()) {
          cache.start();
          say("cache " + json(cache.getInstances()));
        }
        try (ServiceProvider<Map> provider = discovery.serviceProviderBuilder().serviceName(w[1]).build()) {
          provider.start();
          say("provider " + json(provider.getAllInstances()));
          ServiceInstance<Map> pick = provider.getInstance();
          say("pick " + (pick == null ? "null" : pick.getId()));
          for (ServiceInstance<Map> i : provider.getAllInstances()) say("uri " + i.getId() + " " + i.buildUriSpec());
        }
        break;
      }
      case "watch": {
        ServiceCache<Map> cache = discovery.serviceCacheBuilder().name(w[1]).build();
        cache.addListener(new ServiceCacheListener() {
          @Override
          public void cacheChanged() {
            say("cache-changed " + ids(cache.getInstances()));
          }

          @Override
          public void stateChanged(CuratorFramework client, org.apache.curator.framework.state.ConnectionState state) {}
        });
        cache.start();
        opened.add(cache);
        say("cache-changed " + ids(cache.getInstances()));
        break;
      }
      default:
        throw new IllegalArgumentException("unknown command " + String.join(" ", w));
    }
  }

  private static String json(Collection<ServiceInstance<Map>> instances) throws Exception {
    List<String> each = new ArrayList<>();
    for (ServiceInstance<Map> i : sorted(instances)) each.add(new String(SERIALIZER.serialize(i), StandardCharsets.UTF_8));
    return "[" + String.join(",", each) + "]";
  }

  private static String ids(Collection<ServiceInstance<Map>> instances) {
    String ids = sorted(instances).stream().map(ServiceInstance::getId).collect(Collectors.joining(","));
    return ids.isEmpty() ? "-" : ids;
  }

  private static List<ServiceInstance<Map>> sorted(Collection<ServiceInstance<Map>> instances) {
    return instances.stream().sorted(Comparator.comparing(ServiceInstance::getId)).collect(Collectors.toList());
  }
}
