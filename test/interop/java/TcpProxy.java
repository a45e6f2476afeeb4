import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback TCP forwarder between a client and the server under test, so a scenario can cut
 * the client's connection (and refuse new ones) without touching its session: the client
 * reconnects through the proxy once it is let through again, re-sending its watches.
 */
final class TcpProxy implements AutoCloseable {
  private final ServerSocket listener;
  private final InetSocketAddress target;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private volatile boolean blocked;

  private TcpProxy(ServerSocket listener, InetSocketAddress target) {
    this.listener = listener;
    this.target = target;
  }

  /** Starts forwarding a free loopback port to {@code hostPort}. */
  static TcpProxy start(String hostPort) throws IOException {
    int colon = hostPort.lastIndexOf(':');
    InetSocketAddress target =
        new InetSocketAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
    ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    TcpProxy proxy = new TcpProxy(listener, target);
    Thread acceptor = new Thread(proxy::acceptLoop, "proxy-accept");
    acceptor.setDaemon(true);
    acceptor.start();
    return proxy;
  }

  /** What clients connect to. */
  String connectString() {
    return "127.0.0.1:" + listener.getLocalPort();
  }

  /** Cuts every open connection and refuses new ones until {@link #unblock}. */
  void block() {
    blocked = true;
    for (Socket socket : sockets) closeQuietly(socket);
    sockets.clear();
  }

  void unblock() {
    blocked = false;
  }

  @Override
  public void close() {
    block();
    closeQuietly(listener);
  }

  private void acceptLoop() {
    while (!listener.isClosed()) {
      Socket client;
      try {
        client = listener.accept();
      } catch (IOException e) {
        return; // closed
      }
      if (blocked) {
        closeQuietly(client);
        continue;
      }
      try {
        Socket server = new Socket();
        server.connect(target, 2_000);
        client.setTcpNoDelay(true);
        server.setTcpNoDelay(true);
        sockets.add(client);
        sockets.add(server);
        pipe(client, server);
        pipe(server, client);
      } catch (IOException e) {
        closeQuietly(client);
      }
    }
  }

  private void pipe(Socket from, Socket to) {
    Thread thread = new Thread(() -> {
      byte[] buffer = new byte[64 * 1024];
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        int n;
        while ((n = in.read(buffer)) >= 0) {
          out.write(buffer, 0, n);
          out.flush();
        }
      } catch (IOException ignored) {
        // One side closed or was cut: close both below.
      } finally {
        closeQuietly(from);
        closeQuietly(to);
      }
    }, "proxy-pipe");
    thread.setDaemon(true);
    thread.start();
  }

  private static void closeQuietly(AutoCloseable closeable) {
    try {
      closeable.close();
    } catch (Exception ignored) {
      // Already closed.
    }
  }
}
