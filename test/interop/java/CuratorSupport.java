import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.framework.recipes.locks.InterProcessMutex;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.zookeeper.KeeperException;

/**
 * Helpers of the Curator scenario (which extends this class to call them unqualified):
 * connecting with small timeouts, worker threads, small queries.
 */
class CuratorSupport {
  /** Curator's defaults (60 s session, 15 s connection) are far above the test bounds. */
  static final int SESSION_TIMEOUT_MS = 4_000;
  static final int CONNECTION_TIMEOUT_MS = 3_000;
  static final long WAIT_MS = ScenarioRunner.WAIT_MS;

  static CuratorFramework connect(String connectString) throws Exception {
    CuratorFramework client = CuratorFrameworkFactory.builder()
        .connectString(connectString)
        .sessionTimeoutMs(SESSION_TIMEOUT_MS)
        .connectionTimeoutMs(CONNECTION_TIMEOUT_MS)
        .retryPolicy(new ExponentialBackoffRetry(100, 3))
        .build();
    client.start();
    if (!client.blockUntilConnected(8, TimeUnit.SECONDS)) {
      client.close();
      throw new ScenarioRunner.Failure("Curator did not connect within 8 s to " + connectString);
    }
    return client;
  }

  static List<LeaderLatch> leaders(List<LeaderLatch> latches) {
    return latches.stream().filter(LeaderLatch::hasLeadership).collect(Collectors.toList());
  }

  static int participants(InterProcessMutex mutex) {
    try {
      return mutex.getParticipantNodes().size();
    } catch (Exception e) {
      return -1;
    }
  }

  static int participants(LeaderLatch latch) {
    try {
      return latch.getParticipants().size();
    } catch (Exception e) {
      return -1;
    }
  }

  static ClosingExecutor executor(int threads) {
    return new ClosingExecutor(Executors.newFixedThreadPool(threads, runnable -> {
      Thread thread = new Thread(runnable, "scenario-worker");
      thread.setDaemon(true);
      return thread;
    }));
  }

  /** An executor that is also AutoCloseable (Java 17 executors are not). */
  static final class ClosingExecutor extends AbstractExecutorService implements AutoCloseable {
    private final ExecutorService delegate;

    ClosingExecutor(ExecutorService delegate) {
      this.delegate = delegate;
    }

    @Override
    public void close() {
      delegate.shutdownNow();
    }

    @Override
    public void shutdown() {
      delegate.shutdown();
    }

    @Override
    public List<Runnable> shutdownNow() {
      return delegate.shutdownNow();
    }

    @Override
    public boolean isShutdown() {
      return delegate.isShutdown();
    }

    @Override
    public boolean isTerminated() {
      return delegate.isTerminated();
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
      return delegate.awaitTermination(timeout, unit);
    }

    @Override
    public void execute(Runnable command) {
      delegate.execute(command);
    }
  }

  static boolean exists(CuratorFramework client, String path) {
    try {
      return client.checkExists().forPath(path) != null;
    } catch (Exception e) {
      throw new RuntimeException(e);
    }
  }

  static String dataOf(CuratorFramework client, String path) {
    try {
      return string(client.getData().forPath(path));
    } catch (KeeperException.NoNodeException e) {
      return null;
    } catch (Exception e) {
      throw new RuntimeException(e);
    }
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static String string(byte[] data) {
    return data == null ? null : new String(data, StandardCharsets.UTF_8);
  }

  /** Prints one line to stdout at once (the test reads lines as they come). */
  static synchronized void say(String line) {
    System.out.println(line);
    System.out.flush();
  }

  /** Ends the JVM with exit code 3, after an {@code ERROR watchdog} line, once {@code ms} have passed. */
  static void startWatchdog(long ms) {
    Thread watchdog = new Thread(() -> {
      try {
        Thread.sleep(ms);
      } catch (InterruptedException e) {
        return;
      }
      say("ERROR watchdog: still running after " + ms + " ms");
      Runtime.getRuntime().halt(3);
    }, "watchdog");
    watchdog.setDaemon(true);
    watchdog.start();
  }
}
