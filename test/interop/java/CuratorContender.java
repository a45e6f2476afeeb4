import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.framework.recipes.leader.LeaderLatchListener;
import org.apache.curator.framework.recipes.locks.InterProcessMutex;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;

/**
 * One Curator participant that contends with zookit recipes on the same znodes, driven by the
 * test over stdin/stdout (one line per event).
 *
 * <p>Usage: java CuratorContender HOST:PORT MODE PATH [ROUNDS]
 *
 * <ul>
 *   <li>{@code mutex}: prints {@code ready}, waits for a {@code go} line, then ROUNDS times takes an
 *       InterProcessMutex on PATH and, while holding it, creates the ephemeral marker
 *       {@code PATH-holders/curator-<i>}, checks that it is the only child of {@code PATH-holders}
 *       (before and after a short hold), deletes it and releases. Prints
 *       {@code acquired <i> waiting=<other participants>} per round and {@code done}; exits 0, or 1
 *       with an {@code OVERLAP ...} / {@code ERROR ...} line.
 *   <li>{@code hold}: takes the mutex once, prints {@code held <its lock node>}, releases on a
 *       {@code release} line, prints {@code released}, exits 0.
 *   <li>{@code latch}: starts a LeaderLatch on PATH, prints {@code started <its node>} once its node
 *       exists, then {@code leader} / {@code follower} on each transition; on a {@code close} line
 *       closes the latch, prints {@code closed} and exits 0.
 * </ul>
 *
 * <p>The end of stdin counts as the awaited line ({@code go}: exit 4), so the JVM does not outlive
 * the test; a 60 s watchdog ends it in any case (exit 3).
 */
public final class CuratorContender extends CuratorSupport {
  private static final long WATCHDOG_MS = 60_000;
  private static final long ACQUIRE_MS = 20_000;
  private static final BlockingQueue<String> commands = new LinkedBlockingQueue<>();
  /** Queued (by identity) when stdin ends. */
  private static final String END_OF_INPUT = new String("<end of input>");

  public static void main(String[] args) throws Exception {
    if (args.length < 3) {
      System.err.println("usage: CuratorContender HOST:PORT mutex|hold|latch PATH [ROUNDS]");
      System.exit(2);
    }
    startWatchdog(WATCHDOG_MS);
    startStdinReader();
    int code;
    try (CuratorFramework client = connect(args[0])) {
      switch (args[1]) {
        case "mutex":
          code = mutex(client, args[2], args.length > 3 ? Integer.parseInt(args[3]) : 10);
          break;
        case "hold":
          code = hold(client, args[2]);
          break;
        case "latch":
          code = latch(client, args[2]);
          break;
        default:
          System.err.println("unknown mode " + args[1]);
          code = 2;
      }
    } catch (Throwable t) {
      say("ERROR " + t);
      t.printStackTrace();
      code = 1;
    }
    System.out.flush();
    // Curator's and ZooKeeper's non-daemon threads must not keep the JVM alive.
    Runtime.getRuntime().halt(code);
  }

  static int mutex(CuratorFramework client, String path, int rounds) throws Exception {
    InterProcessMutex mutex = new InterProcessMutex(client, path);
    String holders = path + "-holders";
    say("ready");
    if (!awaitCommand("go")) return 4;
    for (int i = 0; i < rounds; i++) {
      if (!mutex.acquire(ACQUIRE_MS, TimeUnit.MILLISECONDS)) {
        say("ERROR round " + i + ": no lock within " + ACQUIRE_MS + " ms");
        return 1;
      }
      try {
        String marker = "curator-" + i;
        try {
          client.create().withMode(CreateMode.EPHEMERAL).forPath(holders + "/" + marker);
        } catch (KeeperException.NodeExistsException e) {
          say("OVERLAP round " + i + ": " + marker + " exists");
          return 1;
        }
        List<String> during = client.getChildren().forPath(holders);
        int waiting = participants(mutex) - 1;
        Thread.sleep(5);
        List<String> after = client.getChildren().forPath(holders);
        if (!during.equals(List.of(marker)) || !after.equals(List.of(marker))) {
          say("OVERLAP round " + i + ": markers " + during + " then " + after);
          return 1;
        }
        client.delete().forPath(holders + "/" + marker);
        say("acquired " + i + " waiting=" + waiting);
      } finally {
        mutex.release();
      }
    }
    say("done");
    return 0;
  }

  static int hold(CuratorFramework client, String path) throws Exception {
    InterProcessMutex mutex = new InterProcessMutex(client, path);
    if (!mutex.acquire(ACQUIRE_MS, TimeUnit.MILLISECONDS)) {
      say("ERROR no lock within " + ACQUIRE_MS + " ms");
      return 1;
    }
    List<String> nodes = List.copyOf(mutex.getParticipantNodes());
    say("held " + (nodes.size() == 1 ? nodes.get(0) : nodes.toString()));
    awaitCommand("release");
    mutex.release();
    say("released");
    return 0;
  }

  static int latch(CuratorFramework client, String path) throws Exception {
    LeaderLatch latch = new LeaderLatch(client, path, "curator");
    latch.addListener(new LeaderLatchListener() {
      @Override
      public void isLeader() {
        say("leader");
      }

      @Override
      public void notLeader() {
        say("follower");
      }
    });
    latch.start();
    long deadline = System.currentTimeMillis() + ACQUIRE_MS;
    while (latch.getOurPath() == null) {
      if (System.currentTimeMillis() > deadline) {
        say("ERROR the latch node was not created within " + ACQUIRE_MS + " ms");
        return 1;
      }
      Thread.sleep(10);
    }
    say("started " + latch.getOurPath());
    awaitCommand("close");
    latch.close();
    say("closed");
    return 0;
  }

  /**
   * Blocks until stdin delivers {@code command} (true) or ends (false); other lines are ignored.
   */
  private static boolean awaitCommand(String command) throws InterruptedException {
    for (;;) {
      String line = commands.take();
      if (line.equals(command)) return true;
      if (line == END_OF_INPUT) return false;
    }
  }


  private static void startStdinReader() {
    Thread reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
        for (String line = in.readLine(); line != null; line = in.readLine()) commands.add(line.trim());
      } catch (Exception e) {
        // treated as end of input
      }
      // The test closed our stdin (or died): a waiting mode treats it as its command.
      commands.add(END_OF_INPUT);
    }, "stdin-reader");
    reader.setDaemon(true);
    reader.start();
  }
}
