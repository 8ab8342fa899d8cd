package dev.stoa.bench;

import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A gateway's heap while clients misbehave, from outside: the node's live heap (after a full GC
 * asked for with {@code jcmd <pid> GC.run}, read from {@code jvm_memory_used_bytes{area="heap"}}
 * on {@code /metrics}) before, every few seconds during, and after a mix of bad clients, each of
 * which should get the documented answer rather than grow the server:
 *
 * <ul>
 *   <li><b>slow readers</b>: each asks, over and over, for 200-message pages of a session full of
 *       large bodies and never reads its socket; expected: kicked as a slow consumer (closed);
 *   <li><b>flooders</b>: frames as fast as the socket takes them, malformed, acks of nothing and
 *       pings; expected: {@code RATE_LIMITED} and {@code BAD_REQUEST} errors, connection kept;
 *   <li><b>a hoarder</b>: one user opening many connections; expected: the oldest kicked beyond
 *       {@code gateway.user.max.connections};
 *   <li><b>a joiner</b>: one connection joining hundreds of rooms, 40 a second; expected: errors
 *       beyond {@code state.room.joins.max};
 *   <li><b>strangers</b>: connections that send a frame other than {@code connect} first;
 *       expected: an error and close.
 * </ul>
 *
 * <p>Prints one line per heap sample and a JSON summary line. Usage: {@code MisbehavingClients
 * --admin-secret=S --pid=<node pid> [--http=http://127.0.0.1:8080] [--seconds=60]
 * [--slow-readers=20] [--flooders=20] [--hoard=40] [--rooms=300] [--strangers=50]
 * [--body-bytes=16384] [--history=200]}. Exit code 1 if an expected answer did not come.
 */
public final class MisbehavingClients {
  private static final Pattern HEAP = Pattern.compile("^jvm_memory_used_bytes\\{area=\"heap\",[^}]*} ([0-9.E+]+)$",
      Pattern.MULTILINE);

  private final Map<String, String> flags;
  private final String http;
  private final String ws;
  private final String adminSecret;
  private final long pid;
  private final HttpClient httpClient = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final Vertx vertx = Vertx.vertx();
  private final WebSocketClient wsClient;
  private final Map<String, LongAdder> seen = new ConcurrentHashMap<>();
  private final List<WebSocket> sockets = new ArrayList<>();

  private MisbehavingClients(Map<String, String> flags) {
    this.flags = flags;
    this.http = flags.getOrDefault("http", "http://127.0.0.1:8080").replaceAll("/+$", "");
    this.ws = http.replaceFirst("^http", "ws") + "/v1/ws";
    this.adminSecret = require(flags, "admin-secret");
    this.pid = Long.parseLong(require(flags, "pid"));
    this.wsClient = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(10_000)
        .setMaxFrameSize(16 * 1024 * 1024).setMaxMessageSize(16 * 1024 * 1024));
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> flags = new HashMap<>();
    for (String arg : Flags.normalize(List.of(args))) {
      int eq = arg.indexOf('=');
      if (!arg.startsWith("--") || eq < 0) {
        System.err.println("MisbehavingClients: expected --key=value, got '" + arg + "'");
        System.exit(2);
      }
      flags.put(arg.substring(2, eq), arg.substring(eq + 1));
    }
    MisbehavingClients run = new MisbehavingClients(flags);
    int code;
    try {
      code = run.run();
    } finally {
      run.vertx.close().await(10, TimeUnit.SECONDS);
    }
    System.exit(code);
  }

  private int number(String key, int defaultValue) {
    return Integer.parseInt(flags.getOrDefault(key, Integer.toString(defaultValue)));
  }

  private int run() throws Exception {
    int seconds = number("seconds", 60);
    int slowReaders = number("slow-readers", 20);
    int flooders = number("flooders", 20);
    int hoard = number("hoard", 40);
    int rooms = number("rooms", 300);
    int strangers = number("strangers", 50);
    int bodyBytes = number("body-bytes", 16_384);
    int history = number("history", 200);
    String tag = Long.toString(System.currentTimeMillis(), 36);

    // a session full of large bodies for every slow reader: it reads its own c2c session with "seed"
    String body = "x".repeat(bodyBytes);
    List<String> readerTokens = new ArrayList<>();
    for (int i = 0; i < slowReaders; i++) {
      String user = "slow" + tag + "-" + i;
      String token = token(user, "d");
      readerTokens.add(token);
      for (int m = 0; m < history; m++) {
        post("/v1/messages", token, new JsonObject().put("clientMsgId", "h-" + m).put("sessionId", "user:seed" + tag)
            .put("body", body).encode());
      }
    }
    double baseline = heapAfterGc();
    System.out.printf("heap after GC, before: %.1f MiB%n", baseline / (1 << 20));

    AtomicInteger slowClosed = new AtomicInteger();
    List<WebSocket> slow = new ArrayList<>();
    for (int i = 0; i < slowReaders; i++) {
      String session = "c2c:" + sortedPair("slow" + tag + "-" + i, "seed" + tag);
      WebSocket socket = connect(readerTokens.get(i), "d", "slow");
      socket.closeHandler(v -> slowClosed.incrementAndGet());
      socket.pause(); // never read again: replies pile up in the server
      slow.add(socket);
      String pull = new JsonObject().put("pull", new JsonObject().put("sessionId", session).put("afterSeq", "0")
          .put("limit", 200)).encode();
      vertx.setPeriodic(25, id -> {
        if (!socket.isClosed()) {
          socket.writeTextMessage(pull);
        } else {
          vertx.cancelTimer(id);
        }
      });
    }
    for (int i = 0; i < flooders; i++) {
      WebSocket socket = connect(token("flood" + tag + "-" + i, "d"), "d", "flood");
      String[] junk = {"{\"ack\":{\"sessionId\":\"c2c:a:b\",\"msgId\":\"1e100000000\"}}", "{\"ping\":{}}",
          "{\"nope\":1}", "{\"send\":{\"clientMsgId\":\"", "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["};
      int[] next = {0};
      vertx.setPeriodic(2, id -> {
        if (socket.isClosed()) {
          vertx.cancelTimer(id);
          return;
        }
        for (int k = 0; k < 20 && !socket.writeQueueFull(); k++) {
          socket.writeTextMessage(junk[next[0]++ % junk.length]);
        }
      });
    }
    String hoarderToken = token("hoard" + tag, "d");
    AtomicInteger hoardKicked = new AtomicInteger();
    for (int i = 0; i < hoard; i++) {
      WebSocket socket = connect(hoarderToken, "d", "hoard");
      socket.textMessageHandler(text -> {
        count(text, "hoard");
        if (text.contains("\"kick\"")) {
          hoardKicked.incrementAndGet();
        }
      });
    }
    WebSocket joiner = connect(token("join" + tag, "d"), "d", "join");
    int[] joined = {0};
    vertx.setPeriodic(25, id -> { // 40 a second: under the rate limit, so the joins cap is what answers
      if (joined[0] >= rooms || joiner.isClosed()) {
        vertx.cancelTimer(id);
        return;
      }
      joiner.writeTextMessage(new JsonObject().put("join", new JsonObject().put("roomId", "r" + tag + "-" + joined[0]++))
          .encode());
    });
    AtomicInteger strangersClosed = new AtomicInteger();
    for (int i = 0; i < strangers; i++) {
      WebSocket socket = wsClient.connect(wsOptions()).await(30, TimeUnit.SECONDS);
      sockets.add(socket);
      socket.textMessageHandler(text -> count(text, "stranger"));
      socket.closeHandler(v -> strangersClosed.incrementAndGet());
      socket.writeTextMessage("{\"ack\":{\"sessionId\":\"c2c:a:b\",\"msgId\":\"1e100000000\"}}");
    }

    double max = baseline;
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < end) {
      Thread.sleep(5_000);
      double heap = heapAfterGc();
      max = Math.max(max, heap);
      System.out.printf("heap after GC, during: %.1f MiB; slow readers closed %d/%d%n", heap / (1 << 20),
          slowClosed.get(), slowReaders);
    }
    // a paused socket may hold back its close event with the frames it has not read: read them now
    slow.forEach(WebSocket::resume);
    long closeWait = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (slowClosed.get() < slowReaders && System.nanoTime() < closeWait) {
      Thread.sleep(100);
    }
    Thread.sleep(3_000); // the frames they held back, the kick among them, are counted meanwhile
    long slowKicked = seen.getOrDefault("slow:kick", new LongAdder()).sum();
    for (WebSocket socket : sockets) {
      socket.close();
    }
    Thread.sleep(3_000);
    double after = heapAfterGc();
    JsonObject summary = new JsonObject().put("baselineMiB", mib(baseline)).put("maxDuringMiB", mib(max))
        .put("afterMiB", mib(after)).put("seconds", seconds)
        .put("slowReadersClosed", slowClosed.get()).put("slowReadersKicked", slowKicked).put("slowReaders", slowReaders)
        .put("hoardConnections", hoard).put("hoardKicked", hoardKicked.get())
        .put("strangersClosed", strangersClosed.get()).put("strangers", strangers);
    Map<String, Long> answers = new java.util.TreeMap<>();
    seen.forEach((k, v) -> answers.put(k, v.sum()));
    summary.put("answers", new JsonObject(new HashMap<>(answers)));
    System.out.println(summary.encode());
    long rateLimited = answers.getOrDefault("flood:RATE_LIMITED", 0L);
    long roomErrors = answers.getOrDefault("join:BAD_REQUEST", 0L) + answers.getOrDefault("join:FORBIDDEN", 0L);
    boolean ok = slowClosed.get() == slowReaders && hoardKicked.get() >= hoard - number("user-max", 16)
        && strangersClosed.get() == strangers && rateLimited > 0 && roomErrors > 0;
    System.out.println(ok ? "every misbehaving client got its documented answer"
        : "MISSING an expected answer (see the summary)");
    return ok ? 0 : 1;
  }

  private static double mib(double bytes) {
    return Math.round(bytes / (1 << 20) * 10) / 10.0;
  }

  private static String sortedPair(String a, String b) {
    return a.compareTo(b) < 0 ? a + ":" + b : b + ":" + a;
  }

  private WebSocketConnectOptions wsOptions() {
    URI uri = URI.create(ws);
    return new WebSocketConnectOptions().setHost(uri.getHost()).setPort(uri.getPort()).setURI(uri.getPath());
  }

  /** Opens a WebSocket, connects it as (token, device) and counts what it is answered under {@code kind}. */
  private WebSocket connect(String token, String device, String kind) throws Exception {
    WebSocket socket = wsClient.connect(wsOptions()).await(30, TimeUnit.SECONDS);
    sockets.add(socket);
    socket.textMessageHandler(text -> count(text, kind));
    socket.writeTextMessage(new JsonObject().put("connect", new JsonObject().put("token", token)
        .put("deviceId", device)).encode());
    return socket;
  }

  private void count(String text, String kind) {
    String key;
    int code = text.indexOf("\"code\":\"");
    if (text.startsWith("{\"error\"") && code > 0) {
      key = text.substring(code + 8, text.indexOf('"', code + 8));
    } else {
      int colon = text.indexOf('"', 2);
      key = colon > 2 ? text.substring(2, colon) : "?";
    }
    seen.computeIfAbsent(kind + ":" + key, k -> new LongAdder()).increment();
  }

  private String token(String user, String device) throws IOException, InterruptedException {
    String answer = post("/v1/tokens", adminSecret, new JsonObject().put("userId", user).put("deviceId", device).encode());
    return new JsonObject(answer).getString("token");
  }

  private String post(String path, String bearer, String json) throws IOException, InterruptedException {
    HttpResponse<String> response = httpClient.send(HttpRequest.newBuilder(URI.create(http + path))
        .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + bearer)
        .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IllegalStateException("POST " + path + " answered " + response.statusCode() + ": " + response.body());
    }
    return response.body();
  }

  /** Live heap of the node: a full GC through jcmd, then the sum of its heap pools on /metrics. */
  private double heapAfterGc() throws IOException, InterruptedException {
    Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
        Long.toString(pid), "GC.run").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    if (!jcmd.waitFor(60, TimeUnit.SECONDS) || jcmd.exitValue() != 0) {
      throw new IllegalStateException("jcmd " + pid + " GC.run failed");
    }
    String metrics = httpClient.send(HttpRequest.newBuilder(URI.create(http + "/metrics")).timeout(Duration.ofSeconds(30))
        .build(), HttpResponse.BodyHandlers.ofString()).body();
    Matcher m = HEAP.matcher(metrics);
    double sum = 0;
    while (m.find()) {
      sum += Double.parseDouble(m.group(1));
    }
    return sum;
  }

  private static String require(Map<String, String> flags, String key) {
    String value = flags.get(key);
    if (value == null || value.isEmpty()) {
      System.err.println("MisbehavingClients: --" + key + " is required");
      System.exit(2);
    }
    return value;
  }
}
