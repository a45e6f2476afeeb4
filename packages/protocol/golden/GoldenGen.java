// Golden-byte generator for @zookit/protocol.
//
// Builds every client/server record with ZooKeeper's own classes (the generated jute classes of
// org.apache.zookeeper.proto / .data, and the hand-written MultiOperationRecord and MultiResponse),
// serialises each one with org.apache.jute.BinaryOutputArchive and writes one JSON fixture.
//
// The expected JSON value of a case is not written by hand: the same serialize() call is run a
// second time against JsonArchive, an OutputArchive that records every field under the tag the
// generated code passes (the zookeeper.jute field name). Values and bytes therefore both come
// from ZooKeeper; only the inputs below are chosen here.
//
// Usage: java -cp <zookeeper jars>:<classes> GoldenGen <output.json>

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.jute.BinaryOutputArchive;
import org.apache.jute.OutputArchive;
import org.apache.jute.Record;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.MultiOperationRecord;
import org.apache.zookeeper.MultiResponse;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.OpResult;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.ClientInfo;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.data.Stat;
import org.apache.zookeeper.data.StatPersisted;
import org.apache.zookeeper.proto.*;

public final class GoldenGen {

  // ---------------------------------------------------------------------------------------------
  // JSON model: Map (object, insertion order), List (array), String, Integer, Boolean, null.
  // jute long -> decimal String, buffer -> lowercase hex String (or null).

  /** An OutputArchive that builds the JSON value of what a Record writes. */
  static final class JsonArchive implements OutputArchive {
    private static final class Frame {
      final Record record; // null for a vector frame
      final String tag;
      final Map<String, Object> object = new LinkedHashMap<>();
      final List<Object> array = new ArrayList<>();
      /** Nested records in write order, with their Java objects (multi bodies share one tag). */
      final List<Map.Entry<Record, Object>> children = new ArrayList<>();

      Frame(Record record, String tag) {
        this.record = record;
        this.tag = tag;
      }
    }

    private final ArrayList<Frame> stack = new ArrayList<>();
    /** The top-level record's JSON object once it has ended (later top-level writes join it). */
    Map<String, Object> result;
    /** Top-level record frame, kept for {@link #topChildren()}. */
    private Frame top;
    /**
     * True when a null ustring or null vector was written: the wire then holds -1, which
     * @zookit/protocol decodes as '' / [] and never encodes, so the case is decode-only.
     */
    boolean lossy;

    List<Map.Entry<Record, Object>> topChildren() {
      return top.children;
    }

    private void put(String tag, Object value, Record nested) {
      if (stack.isEmpty()) {
        if (result == null) throw new IllegalStateException("field " + tag + " written outside a record");
        if (result.containsKey(tag)) throw new IllegalStateException("duplicate top-level field " + tag);
        result.put(tag, value);
        return;
      }
      Frame f = stack.get(stack.size() - 1);
      if (f.record == null) {
        f.array.add(value);
      } else {
        f.object.put(tag, value);
        if (nested != null) f.children.add(Map.entry(nested, value));
      }
    }

    @Override
    public void writeByte(byte b, String tag) {
      throw new UnsupportedOperationException("byte is not used by zookeeper.jute client records");
    }

    @Override
    public void writeBool(boolean b, String tag) {
      put(tag, b, null);
    }

    @Override
    public void writeInt(int i, String tag) {
      put(tag, i, null);
    }

    @Override
    public void writeLong(long l, String tag) {
      put(tag, Long.toString(l), null);
    }

    @Override
    public void writeFloat(float f, String tag) {
      throw new UnsupportedOperationException("float");
    }

    @Override
    public void writeDouble(double d, String tag) {
      throw new UnsupportedOperationException("double");
    }

    @Override
    public void writeString(String s, String tag) {
      if (s == null) lossy = true;
      put(tag, s == null ? "" : s, null);
    }

    @Override
    public void writeBuffer(byte[] buf, String tag) {
      put(tag, buf == null ? null : hex(buf), null);
    }

    @Override
    public void writeRecord(Record r, String tag) throws IOException {
      r.serialize(this, tag);
    }

    @Override
    public void startRecord(Record r, String tag) {
      Frame f = new Frame(r, tag);
      if (stack.isEmpty()) {
        if (top != null) throw new IllegalStateException("second top-level record");
        top = f;
      }
      stack.add(f);
    }

    @Override
    public void endRecord(Record r, String tag) {
      Frame f = stack.remove(stack.size() - 1);
      if (f.record != r) throw new IllegalStateException("unbalanced endRecord");
      if (stack.isEmpty()) result = f.object;
      else put(f.tag, f.object, r);
    }

    @Override
    public void startVector(List<?> v, String tag) {
      Frame f = new Frame(null, tag);
      if (v == null) lossy = true;
      stack.add(f);
    }

    @Override
    public void endVector(List<?> v, String tag) {
      Frame f = stack.remove(stack.size() - 1);
      if (f.record != null) throw new IllegalStateException("unbalanced endVector");
      put(f.tag, f.array, null);
    }

    @Override
    public void startMap(TreeMap<?, ?> m, String tag) {
      throw new UnsupportedOperationException("map");
    }

    @Override
    public void endMap(TreeMap<?, ?> m, String tag) {
      throw new UnsupportedOperationException("map");
    }
  }

  static String hex(byte[] b) {
    StringBuilder sb = new StringBuilder(b.length * 2);
    for (byte x : b) sb.append(String.format("%02x", x & 0xff));
    return sb.toString();
  }

  static void writeJson(StringBuilder sb, Object v) {
    if (v == null) {
      sb.append("null");
    } else if (v instanceof String) {
      String s = (String) v;
      sb.append('"');
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        if (c == '"' || c == '\\') sb.append('\\').append(c);
        else if (c < 0x20 || Character.isSurrogate(c)) sb.append(String.format("\\u%04x", (int) c));
        else sb.append(c);
      }
      sb.append('"');
    } else if (v instanceof Integer || v instanceof Boolean) {
      sb.append(v);
    } else if (v instanceof Map) {
      sb.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
        if (!first) sb.append(", ");
        first = false;
        writeJson(sb, e.getKey());
        sb.append(": ");
        writeJson(sb, e.getValue());
      }
      sb.append('}');
    } else if (v instanceof List) {
      sb.append('[');
      boolean first = true;
      for (Object e : (List<?>) v) {
        if (!first) sb.append(", ");
        first = false;
        writeJson(sb, e);
      }
      sb.append(']');
    } else {
      throw new IllegalArgumentException("not a JSON value: " + v.getClass());
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Cases

  /** Writes something to an archive: a record's serialize(), maybe followed by loose fields. */
  interface Writer {
    void write(OutputArchive a) throws IOException;
  }

  private final List<Map<String, Object>> cases = new ArrayList<>();
  private final java.util.Set<String> labels = new java.util.HashSet<>();

  static byte[] binary(Writer w) throws IOException {
    ByteArrayOutputStream baos = new ByteArrayOutputStream();
    w.write(BinaryOutputArchive.getArchive(baos));
    return baos.toByteArray();
  }

  private void emit(String record, String label, Object value, byte[] bytes, boolean decodeOnly) {
    if (!labels.add(record + "/" + label)) throw new IllegalStateException("duplicate case " + record + "/" + label);
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("record", record);
    c.put("case", label);
    c.put("value", value);
    c.put("hex", hex(bytes));
    if (decodeOnly) c.put("decodeOnly", true);
    cases.add(c);
  }

  /** A case whose bytes are those of {@code w}; the record name is the Java class's simple name. */
  private JsonArchive add(Record r, String label, Writer w) throws IOException {
    JsonArchive json = new JsonArchive();
    w.write(json);
    emit(r.getClass().getSimpleName(), label, json.result, binary(w), json.lossy);
    return json;
  }

  /** A plain record case: r.serialize(archive, tag), nothing else. */
  private void add(Record r, String label) throws IOException {
    add(r, label, a -> r.serialize(a, "request"));
  }

  /** Like {@link #add(Record, String)} but asserting that the case is (or is not) decode-only. */
  private void add(Record r, String label, boolean expectDecodeOnly) throws IOException {
    JsonArchive json = add(r, label, a -> r.serialize(a, "request"));
    if (json.lossy != expectDecodeOnly) throw new IllegalStateException(label + ": decodeOnly mismatch");
  }

  /** multi and multiRead request: ops as { type, request } from what MultiOperationRecord writes. */
  private void addMulti(MultiOperationRecord r, String label) throws IOException {
    JsonArchive json = new JsonArchive();
    r.serialize(json, "request");
    List<Object> ops = new ArrayList<>();
    forEachMultiEntry(json.topChildren(), (h, body) -> {
      if (body == null) throw new IllegalStateException("op without request");
      Map<String, Object> op = new LinkedHashMap<>();
      op.put("type", h.getType());
      op.put("request", body);
      ops.add(op);
    });
    if (ops.size() != r.size()) throw new IllegalStateException("op count");
    emit("MultiOperationRecord", label, Map.of("ops", ops), binary(a -> r.serialize(a, "request")), json.lossy);
  }

  /** multi / multiRead response: results as { type, response } | { type } | { type: -1, err }. */
  private void addMulti(MultiResponse r, String label) throws IOException {
    JsonArchive json = new JsonArchive();
    r.serialize(json, "response");
    List<Object> results = new ArrayList<>();
    forEachMultiEntry(json.topChildren(), (h, body) -> {
      Map<String, Object> res = new LinkedHashMap<>();
      res.put("type", h.getType());
      if (h.getType() == ZooDefs.OpCode.error) {
        @SuppressWarnings("unchecked")
        Object err = ((Map<String, Object>) body).get("err");
        if (!err.equals(h.getErr())) throw new IllegalStateException("error header/body mismatch");
        res.put("err", err);
      } else if (body != null) {
        res.put("response", body);
      }
      results.add(res);
    });
    if (results.size() != r.size()) throw new IllegalStateException("result count");
    emit("MultiResponse", label, Map.of("results", results), binary(a -> r.serialize(a, "response")), json.lossy);
  }

  interface MultiEntry {
    void accept(MultiHeader header, Object body);
  }

  /** Walks MultiHeader, [body], MultiHeader, [body], ..., MultiHeader{done}. */
  static void forEachMultiEntry(List<Map.Entry<Record, Object>> children, MultiEntry f) {
    int i = 0;
    for (;;) {
      MultiHeader h = (MultiHeader) children.get(i++).getKey();
      if (h.getDone()) {
        if (i != children.size()) throw new IllegalStateException("records after the done header");
        return;
      }
      Object body = null;
      if (i < children.size() && !(children.get(i).getKey() instanceof MultiHeader)) body = children.get(i++).getValue();
      f.accept(h, body);
    }
  }

  /**
   * ConnectRequest exactly as the 3.8 Java client sends it: ClientCnxn.Packet.createBB() writes
   * a length placeholder, the record and then a bare writeBool(readOnly, "readOnly"). The Packet
   * class is package-private, so it is reached by reflection.
   */
  static byte[] clientConnectBytes(ConnectRequest req, boolean readOnly) throws Exception {
    Class<?> packet = Class.forName("org.apache.zookeeper.ClientCnxn$Packet");
    Class<?> watchReg = Class.forName("org.apache.zookeeper.ZooKeeper$WatchRegistration");
    Constructor<?> ctor = packet.getDeclaredConstructor(
        RequestHeader.class, ReplyHeader.class, Record.class, Record.class, watchReg, boolean.class);
    ctor.setAccessible(true);
    Object p = ctor.newInstance(null, null, req, null, null, readOnly);
    Method createBB = packet.getDeclaredMethod("createBB");
    createBB.setAccessible(true);
    createBB.invoke(p);
    Field bbField = packet.getDeclaredField("bb");
    bbField.setAccessible(true);
    ByteBuffer bb = (ByteBuffer) bbField.get(p);
    byte[] all = Arrays.copyOf(bb.array(), bb.capacity());
    int len = ByteBuffer.wrap(all).getInt();
    if (len != all.length - 4) throw new IllegalStateException("unexpected frame length " + len);
    return Arrays.copyOfRange(all, 4, all.length);
  }

  // ---------------------------------------------------------------------------------------------
  // Values

  static final String UNICODE_PATH = "/zoo/ü/日本"; // 1-, 2- and 3-byte UTF-8 (BMP only)
  static final long TOP_BIT_ZXID = 0x8000000100000002L; // epoch with the top bit set
  static final long ZXID = 0x0000000500000a3cL;

  static byte[] bytes(int... v) {
    byte[] b = new byte[v.length];
    for (int i = 0; i < v.length; i++) b[i] = (byte) v[i];
    return b;
  }

  static byte[] range(int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) b[i] = (byte) i;
    return b;
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static final byte[] PASSWD = bytes(
      0x00, 0xff, 0x80, 0x7f, 0x01, 0xfe, 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0, 0x55, 0xaa);

  static Stat typicalStat() {
    return new Stat(ZXID, ZXID + 7, 1700000000123L, 1700000004567L, 3, 12, 1, 0L, 42, 5, ZXID + 9);
  }

  static Stat extremeStat() {
    return new Stat(Long.MIN_VALUE, Long.MAX_VALUE, -1L, TOP_BIT_ZXID, Integer.MIN_VALUE, Integer.MAX_VALUE, -1,
        0x72a5f0c1d3e40001L, 0, Integer.MAX_VALUE, TOP_BIT_ZXID);
  }

  static Stat ephemeralStat() {
    return new Stat(TOP_BIT_ZXID, TOP_BIT_ZXID, 1L, 2L, 0, 0, 0, -0x0123456789abcdefL, 1048576, 0, TOP_BIT_ZXID);
  }

  static final Id WORLD = new Id("world", "anyone");
  static final Id DIGEST = new Id("digest", "bob:vxE+VbiW3ePuy8JQv7b8c0PCk+w=");
  static final Id IP = new Id("ip", "10.0.0.0/8");
  static final Id SASL = new Id("sasl", "zk/ü@日本.example");

  static List<ACL> acls() {
    return List.of(new ACL(31, WORLD), new ACL(ZooDefs.Perms.READ | ZooDefs.Perms.ADMIN, DIGEST),
        new ACL(Integer.MIN_VALUE, SASL));
  }

  static List<String> strings(String... s) {
    return Arrays.asList(s);
  }

  // ---------------------------------------------------------------------------------------------

  void generate() throws Exception {
    // org.apache.zookeeper.data
    add(WORLD, "world anyone");
    add(SASL, "non-ASCII id");
    add(new Id("", ""), "empty strings");
    add(new Id(null, null), "null strings", true);

    add(new ACL(31, WORLD), "world all");
    add(new ACL(ZooDefs.Perms.READ | ZooDefs.Perms.ADMIN, DIGEST), "digest read+admin");
    add(new ACL(Integer.MIN_VALUE, SASL), "negative perms, non-ASCII");
    add(new ACL(0, IP), "no perms");

    add(typicalStat(), "typical");
    add(extremeStat(), "extremes");
    add(ephemeralStat(), "ephemeral, top-bit zxids");
    add(new Stat(), "all zero");

    add(new StatPersisted(ZXID, ZXID + 7, 1700000000123L, 1700000004567L, 3, 12, 1, 0L, ZXID + 9), "typical");
    add(new StatPersisted(Long.MIN_VALUE, Long.MAX_VALUE, -1L, TOP_BIT_ZXID, Integer.MIN_VALUE, Integer.MAX_VALUE, -1,
        0x72a5f0c1d3e40001L, TOP_BIT_ZXID), "extremes");

    add(new ClientInfo("ip", "127.0.0.1"), "ip");
    add(new ClientInfo("sasl", "zk/ü@日本.example"), "non-ASCII user");
    add(new ClientInfo("", ""), "empty");

    // Handshake
    ConnectRequest resume = new ConnectRequest(0, TOP_BIT_ZXID, 30000, 0x72a5f0c1d3e40001L, PASSWD);
    ConnectRequest fresh = new ConnectRequest(0, 0L, 40000, 0L, new byte[16]);
    byte[] viaPacket = clientConnectBytes(resume, true);
    byte[] viaArchive = binary(a -> {
      resume.serialize(a, "connect");
      a.writeBool(true, "readOnly");
    });
    if (!Arrays.equals(viaPacket, viaArchive)) throw new IllegalStateException("ClientCnxn.Packet bytes differ");
    JsonArchive j = new JsonArchive();
    resume.serialize(j, "connect");
    j.writeBool(true, "readOnly");
    emit("ConnectRequest", "ClientCnxn, reconnect, readOnly=true", j.result, viaPacket, false);
    j = new JsonArchive();
    fresh.serialize(j, "connect");
    j.writeBool(false, "readOnly");
    emit("ConnectRequest", "ClientCnxn, new session, readOnly=false", j.result, clientConnectBytes(fresh, false),
        false);
    add(new ConnectRequest(0, Long.MAX_VALUE, Integer.MIN_VALUE, Long.MIN_VALUE, PASSWD),
        "old client (no readOnly byte)");
    add(new ConnectRequest(-1, -1L, 0, 0L, null), "old client, null passwd");

    // The server's side (ZooKeeperServer.finishSessionInit): the record, then writeBool(readOnly)
    // unless the client was an old one (no readOnly byte in its request).
    ConnectResponse accepted = new ConnectResponse(0, 30000, 0x72a5f0c1d3e40001L, PASSWD);
    add(accepted, "server, readOnly=false", a -> {
      accepted.serialize(a, "connect");
      a.writeBool(false, "readOnly");
    });
    ConnectResponse readOnlyServer = new ConnectResponse(0, 4000, -2L, PASSWD);
    add(readOnlyServer, "read-only server, readOnly=true", a -> {
      readOnlyServer.serialize(a, "connect");
      a.writeBool(true, "readOnly");
    });
    add(new ConnectResponse(0, 30000, Long.MAX_VALUE, PASSWD), "old client (no readOnly byte)");
    ConnectResponse expired = new ConnectResponse(0, 0, 0L, new byte[16]);
    add(expired, "session expired (timeOut 0), readOnly=false", a -> {
      expired.serialize(a, "connect");
      a.writeBool(false, "readOnly");
    });
    add(new ConnectResponse(Integer.MIN_VALUE, -1, Long.MIN_VALUE, null), "old client, null passwd");

    // Headers
    add(new RequestHeader(1, ZooDefs.OpCode.create), "create");
    add(new RequestHeader(-2, ZooDefs.OpCode.ping), "ping");
    add(new RequestHeader(-8, ZooDefs.OpCode.setWatches2), "setWatches2");
    add(new RequestHeader(Integer.MAX_VALUE, ZooDefs.OpCode.closeSession), "max xid, closeSession");
    add(new RequestHeader(Integer.MIN_VALUE, Integer.MAX_VALUE), "extremes");

    add(new ReplyHeader(1, ZXID, 0), "ok");
    add(new ReplyHeader(-1, TOP_BIT_ZXID, 0), "notification, top-bit zxid");
    add(new ReplyHeader(7, Long.MAX_VALUE, -101), "NoNode");
    add(new ReplyHeader(Integer.MIN_VALUE, Long.MIN_VALUE, Integer.MIN_VALUE), "extremes");

    add(new MultiHeader(ZooDefs.OpCode.create, false, -1), "create op");
    add(new MultiHeader(-1, true, -1), "done");
    add(new MultiHeader(-1, false, -101), "error result");
    add(new MultiHeader(Integer.MAX_VALUE, true, Integer.MIN_VALUE), "extremes");

    add(new ErrorResponse(0), "ok");
    add(new ErrorResponse(-101), "NoNode");
    add(new ErrorResponse(Integer.MIN_VALUE), "min int");

    // Auth and SASL
    add(new AuthPacket(0, "digest", utf8("bob:secret")), "digest");
    add(new AuthPacket(0, "x509/ü", new byte[0]), "empty auth");
    add(new AuthPacket(-1, "ip", null), "null auth");
    add(new GetSASLRequest(range(256)), "256-byte token");
    add(new GetSASLRequest(new byte[0]), "empty token");
    add(new GetSASLRequest(null), "null token");
    add(new SetSASLRequest(PASSWD), "token");
    add(new SetSASLRequest(null), "null token");
    add(new SetSASLResponse(range(300)), "300-byte token");
    add(new SetSASLResponse(new byte[0]), "empty token");
    add(new SetSASLResponse(null), "null token");
    add(new WhoAmIResponse(List.of(new ClientInfo("ip", "127.0.0.1"), new ClientInfo("sasl", "zk/ü@日本.example"))),
        "two identities");
    add(new WhoAmIResponse(List.of()), "empty");

    // Znode requests and responses
    add(new CreateRequest(UNICODE_PATH, utf8("hello, ü"), acls(), CreateMode.PERSISTENT.toFlag()),
        "persistent, three ACLs");
    add(new CreateRequest("/lock/n-", null, List.of(new ACL(31, WORLD)), CreateMode.EPHEMERAL_SEQUENTIAL.toFlag()),
        "ephemeral sequential, null data");
    add(new CreateRequest("/c", new byte[0], List.of(), CreateMode.CONTAINER.toFlag()),
        "container, empty data, no ACL");
    add(new CreateRequest(null, PASSWD, null, Integer.MIN_VALUE), "null path and ACL vector", true);

    add(new CreateTTLRequest("/ttl", range(10), acls(), CreateMode.PERSISTENT_WITH_TTL.toFlag(), 60000L),
        "persistent with TTL");
    add(new CreateTTLRequest(UNICODE_PATH + "/s-", null, List.of(new ACL(31, WORLD)),
        CreateMode.PERSISTENT_SEQUENTIAL_WITH_TTL.toFlag(), 0xffffffffffL), "sequential, max TTL");
    add(new CreateTTLRequest("/x", new byte[0], List.of(), -1, Long.MIN_VALUE), "extremes");

    add(new CreateResponse("/lock/n-0000000042"), "sequential");
    add(new CreateResponse(UNICODE_PATH), "non-ASCII");
    add(new CreateResponse(""), "empty");
    add(new Create2Response(UNICODE_PATH + "0000000001", typicalStat()), "typical");
    add(new Create2Response("/e", ephemeralStat()), "ephemeral");

    add(new DeleteRequest("/a/b", -1), "any version");
    add(new DeleteRequest(UNICODE_PATH, Integer.MAX_VALUE), "max version");

    add(new ExistsRequest(UNICODE_PATH, true), "watch");
    add(new ExistsRequest("/", false), "no watch");
    add(new ExistsResponse(typicalStat()), "typical");
    add(new ExistsResponse(extremeStat()), "extremes");

    add(new GetDataRequest(UNICODE_PATH, true), "watch");
    add(new GetDataRequest("/zookeeper/config", false), "no watch");
    add(new GetDataResponse(utf8("{\"k\": \"ü日本\"}"), typicalStat()), "data");
    add(new GetDataResponse(null, ephemeralStat()), "null data");
    add(new GetDataResponse(new byte[0], extremeStat()), "empty data");

    add(new SetDataRequest(UNICODE_PATH, range(256), -1), "256 bytes, any version");
    add(new SetDataRequest("/n", null, 7), "null data");
    add(new SetDataRequest("/n", new byte[0], Integer.MIN_VALUE), "empty data");
    add(new SetDataResponse(typicalStat()), "typical");
    add(new SetDataResponse(extremeStat()), "extremes");

    add(new CheckVersionRequest(UNICODE_PATH, 3), "version 3");
    add(new CheckVersionRequest("/", -1), "any version");

    add(new GetChildrenRequest(UNICODE_PATH, true), "watch");
    add(new GetChildrenRequest("/", false), "no watch");
    add(new GetChildrenResponse(strings("a", "ü", "日本", "n-0000000001", "")), "five children");
    add(new GetChildrenResponse(strings()), "empty");
    add(new GetChildrenResponse(null), "null vector", true);

    add(new GetChildren2Request(UNICODE_PATH, true), "watch");
    add(new GetChildren2Request("/", false), "no watch");
    add(new GetChildren2Response(strings("zookeeper", "zoo"), typicalStat()), "two children");
    add(new GetChildren2Response(strings(), extremeStat()), "empty");

    add(new GetAllChildrenNumberRequest(UNICODE_PATH), "non-ASCII");
    add(new GetAllChildrenNumberRequest("/"), "root");
    add(new GetAllChildrenNumberResponse(0), "zero");
    add(new GetAllChildrenNumberResponse(Integer.MAX_VALUE), "max int");
    add(new GetAllChildrenNumberResponse(-1), "negative");

    add(new GetEphemeralsRequest("/"), "root");
    add(new GetEphemeralsRequest(UNICODE_PATH), "non-ASCII prefix");
    add(new GetEphemeralsResponse(strings("/lock/n-0000000001", UNICODE_PATH + "/e")), "two paths");
    add(new GetEphemeralsResponse(strings()), "empty");

    add(new SyncRequest(UNICODE_PATH), "non-ASCII");
    add(new SyncRequest("/"), "root");
    add(new SyncResponse(UNICODE_PATH), "non-ASCII");
    add(new SyncResponse(null), "null path", true);

    // ACL ops
    add(new GetACLRequest(UNICODE_PATH), "non-ASCII");
    add(new GetACLResponse(acls(), typicalStat()), "three ACLs");
    add(new GetACLResponse(List.of(), extremeStat()), "no ACL");
    add(new SetACLRequest(UNICODE_PATH, acls(), -1), "three ACLs, any version");
    add(new SetACLRequest("/", List.of(new ACL(0, IP)), Integer.MAX_VALUE), "one ACL");
    add(new SetACLResponse(typicalStat()), "typical");

    // Watches
    add(new WatcherEvent(1, 3, UNICODE_PATH), "NodeCreated");
    add(new WatcherEvent(-1, -112, ""), "session Expired");
    add(new WatcherEvent(4, 3, "/"), "NodeChildrenChanged");
    add(new WatcherEvent(7, 0, "/p"), "PersistentWatchRemoved");
    add(new WatcherEvent(Integer.MIN_VALUE, Integer.MAX_VALUE, null), "null path", true);

    add(new SetWatches(TOP_BIT_ZXID, strings("/a", UNICODE_PATH), strings("/missing"), strings("/", "/b/c")),
        "all three lists");
    add(new SetWatches(0L, strings(), strings(), strings()), "empty lists");
    add(new SetWatches(-1L, null, strings("/x"), null), "null vectors", true);

    add(new SetWatches2(ZXID, strings("/d"), strings(), strings("/c1", "/c2"), strings(UNICODE_PATH),
        strings("/r", "/s", "/t")), "all five lists");
    add(new SetWatches2(Long.MIN_VALUE, strings(), strings(), strings(), strings(), strings()), "empty lists");

    add(new AddWatchRequest(UNICODE_PATH, ZooDefs.AddWatchModes.persistent), "persistent");
    add(new AddWatchRequest("/", ZooDefs.AddWatchModes.persistentRecursive), "persistent recursive");

    add(new CheckWatchesRequest(UNICODE_PATH, 1), "children");
    add(new CheckWatchesRequest("/", 3), "any");
    add(new RemoveWatchesRequest(UNICODE_PATH, 2), "data");
    add(new RemoveWatchesRequest("/", Integer.MIN_VALUE), "min int type");

    // Admin
    add(new ReconfigRequest("server.4=10.0.0.4:2888:3888:participant;2181", "", "", -1L), "incremental join");
    add(new ReconfigRequest("", "1,2", "", 0x100000000L), "incremental leave");
    add(new ReconfigRequest("", "", "server.1=a:2888:3888;2181,server.2=b:2888:3888;2181", Long.MAX_VALUE),
        "non-incremental");
    add(new GetMaxChildrenRequest(UNICODE_PATH), "non-ASCII");
    add(new GetMaxChildrenResponse(Integer.MAX_VALUE), "max int");
    add(new GetMaxChildrenResponse(-1), "negative");
    add(new SetMaxChildrenRequest(UNICODE_PATH, 1000), "1000");
    add(new SetMaxChildrenRequest("/", Integer.MIN_VALUE), "min int");

    // multi / multiRead
    addMulti(new MultiOperationRecord(List.of(
        Op.create(UNICODE_PATH, utf8("data"), acls(), CreateMode.PERSISTENT),
        Op.create("/lock/n-", null, List.of(new ACL(31, WORLD)), CreateMode.EPHEMERAL_SEQUENTIAL.toFlag()),
        Op.create("/c", new byte[0], List.of(), CreateMode.CONTAINER),
        Op.create("/ttl", range(3), List.of(new ACL(31, WORLD)), CreateMode.PERSISTENT_WITH_TTL, 60000L),
        Op.delete("/old", -1),
        Op.setData(UNICODE_PATH, range(20), 3),
        Op.check("/", Integer.MAX_VALUE))), "writes: create x4 (container, TTL), delete, setData, check");
    addMulti(new MultiOperationRecord(List.of(Op.getChildren(UNICODE_PATH), Op.getData("/zookeeper/config"))),
        "multiRead: getChildren, getData");
    addMulti(new MultiOperationRecord(), "empty");

    MultiResponse ok = new MultiResponse();
    ok.add(new OpResult.CreateResult(UNICODE_PATH));
    ok.add(new OpResult.CreateResult("/lock/n-0000000007", ephemeralStat()));
    ok.add(new OpResult.DeleteResult());
    ok.add(new OpResult.SetDataResult(typicalStat()));
    ok.add(new OpResult.CheckResult());
    addMulti(ok, "committed: create, create2, delete, setData, check");

    MultiResponse failed = new MultiResponse();
    failed.add(new OpResult.ErrorResult(0));
    failed.add(new OpResult.ErrorResult(-103)); // BadVersion
    failed.add(new OpResult.ErrorResult(-2)); // RuntimeInconsistency
    addMulti(failed, "aborted: errors 0, BadVersion, RuntimeInconsistency");

    MultiResponse read = new MultiResponse();
    read.add(new OpResult.GetDataResult(utf8("ü"), typicalStat()));
    read.add(new OpResult.GetChildrenResult(strings("a", "日本")));
    read.add(new OpResult.ErrorResult(-101)); // NoNode
    read.add(new OpResult.GetDataResult(null, extremeStat()));
    read.add(new OpResult.GetChildrenResult(strings()));
    addMulti(read, "multiRead: getData, getChildren, NoNode, null data, no children");

    addMulti(new MultiResponse(), "empty");

    MultiResponse nullChildren = new MultiResponse();
    nullChildren.add(new OpResult.GetChildrenResult(null));
    addMulti(nullChildren, "getChildren with null vector");
  }

  public static void main(String[] args) throws Exception {
    if (args.length != 1) {
      System.err.println("usage: GoldenGen <output.json>");
      System.exit(2);
    }
    GoldenGen g = new GoldenGen();
    g.generate();
    StringBuilder sb = new StringBuilder();
    sb.append("[\n");
    for (int i = 0; i < g.cases.size(); i++) {
      sb.append("  ");
      writeJson(sb, g.cases.get(i));
      sb.append(i + 1 < g.cases.size() ? ",\n" : "\n");
    }
    sb.append("]\n");
    Files.writeString(Path.of(args[0]), sb.toString(), StandardCharsets.UTF_8);
    System.err.println("GoldenGen: " + g.cases.size() + " cases");
  }
}
