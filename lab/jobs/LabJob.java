// The lab's Flink job: a throttled number sequence, keyed, counted in keyed state, discarded.
// Options (name value pairs) choose what it does wrong. It compiles against Flink 1.19 to 2.x
// (no open(Configuration), no SourceFunction, the sink v2 API).
package lab;

import java.io.FileInputStream;
import java.io.InputStream;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.ByteBuffer;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.flink.api.common.functions.FilterFunction;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.util.Collector;

public class LabJob {

  public static void main(String[] args) throws Exception {
    Map<String, String> o = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) o.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    String mode = o.getOrDefault("mode", "stateful");
    long checkpointMs = Long.parseLong(o.getOrDefault("checkpoint-interval", "2000"));
    int parallelism = Integer.parseInt(o.getOrDefault("parallelism", "2"));
    long perSecond = Long.parseLong(o.getOrDefault("rate", "200"));
    int keys = Integer.parseInt(o.getOrDefault("keys", "64"));
    int payload = Integer.parseInt(o.getOrDefault("payload", "256"));
    long snapshotSleepMs = Long.parseLong(o.getOrDefault("snapshot-sleep", "0"));
    String uid = o.getOrDefault("uid", "counter");
    long failAfter = Long.parseLong(o.getOrDefault("fail-after", "200"));

    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(parallelism);
    if (checkpointMs > 0) env.enableCheckpointing(checkpointMs);

    DataStream<Long> numbers = env.fromSequence(0, Long.MAX_VALUE).name("numbers").uid("numbers")
        .map(new Throttle(perSecond)).name("throttle").uid("throttle");

    switch (mode) {
      case "heap-oom": numbers = numbers.map(new HeapHog(failAfter)).name("heap-hog").uid("heap-hog"); break;
      case "direct-oom": numbers = numbers.map(new DirectHog(failAfter)).name("direct-hog").uid("direct-hog"); break;
      case "metaspace-oom": numbers = numbers.map(new ClassHog(failAfter)).name("class-hog").uid("class-hog"); break;
      case "open-files": numbers = numbers.map(new FileHog(failAfter, o.getOrDefault("file", "/etc/hostname"))).name("file-reader").uid("file-reader"); break;
      case "missing-class": {
        // An instance of a class the job jar does not hold, loaded here from another jar: the
        // TaskManagers cannot deserialize the operator that carries it.
        URLClassLoader other = new URLClassLoader(new URL[] {Paths.get(o.get("extra-jar")).toUri().toURL()}, LabJob.class.getClassLoader());
        Object rule = other.loadClass("labextra.PricingRule").getDeclaredConstructor().newInstance();
        numbers = numbers.map(new WithRule(rule)).name("apply-rule").uid("apply-rule");
        break;
      }
      case "not-serializable": numbers = numbers.map(new WithClient()).name("enrich").uid("enrich"); break;
      default: break;
    }

    numbers
        .keyBy(new ByKey(keys))
        .process(new Counter(payload, snapshotSleepMs)).name("counter").uid(uid)
        .filter(new Nothing()).name("drop")
        .sinkTo(new DiscardingSink<>()).name("discard");
    env.execute("lab-" + mode);
  }

  /** Emits at most perSecond records per second per subtask. */
  public static class Throttle implements MapFunction<Long, Long> {
    private final long perSecond;
    private long windowStart;
    private long inWindow;
    public Throttle(long perSecond) { this.perSecond = perSecond; }
    @Override public Long map(Long v) throws Exception {
      long now = System.currentTimeMillis();
      if (now - windowStart >= 1000) { windowStart = now; inWindow = 0; }
      if (++inWindow > perSecond) { Thread.sleep(Math.max(1, 1000 - (now - windowStart))); windowStart = System.currentTimeMillis(); inWindow = 1; }
      return v;
    }
  }

  public static class ByKey implements KeySelector<Long, Integer> {
    private final int keys;
    public ByKey(int keys) { this.keys = keys; }
    @Override public Integer getKey(Long v) { return (int) (v % keys); }
  }

  /** Counts per key and keeps a payload per key; optionally slow to snapshot. */
  public static class Counter extends KeyedProcessFunction<Integer, Long, Long> implements CheckpointedFunction {
    private final int payload;
    private final long snapshotSleepMs;
    private transient ValueState<Long> count;
    private transient ValueState<byte[]> blob;
    public Counter(int payload, long snapshotSleepMs) { this.payload = payload; this.snapshotSleepMs = snapshotSleepMs; }
    @Override public void initializeState(FunctionInitializationContext ctx) {}
    @Override public void snapshotState(FunctionSnapshotContext ctx) throws Exception {
      if (snapshotSleepMs > 0) Thread.sleep(snapshotSleepMs);
    }
    @Override public void processElement(Long v, Context ctx, Collector<Long> out) throws Exception {
      if (count == null) {
        count = getRuntimeContext().getState(new ValueStateDescriptor<>("count", Long.class));
        blob = getRuntimeContext().getState(new ValueStateDescriptor<>("payload", byte[].class));
      }
      Long c = count.value();
      count.update(c == null ? 1L : c + 1);
      byte[] b = new byte[payload];
      b[(int) (v % payload)] = 1;
      blob.update(b);
      out.collect(v);
    }
  }

  public static class Nothing implements FilterFunction<Long> {
    @Override public boolean filter(Long v) { return false; }
  }

  /** Keeps every record's buffer: the heap fills. */
  public static class HeapHog implements MapFunction<Long, Long> {
    private final long after;
    private long seen;
    private final List<byte[]> kept = new ArrayList<>();
    public HeapHog(long after) { this.after = after; }
    @Override public Long map(Long v) {
      if (++seen > after) kept.add(new byte[4 << 20]);
      return v;
    }
  }

  /** Keeps direct buffers: the JVM's direct memory limit is reached. */
  public static class DirectHog implements MapFunction<Long, Long> {
    private final long after;
    private long seen;
    private final List<ByteBuffer> kept = new ArrayList<>();
    public DirectHog(long after) { this.after = after; }
    @Override public Long map(Long v) {
      if (++seen > after) kept.add(ByteBuffer.allocateDirect(8 << 20));
      return v;
    }
  }

  /** Defines a new proxy class in a new class loader for every record: metaspace fills. */
  public static class ClassHog implements MapFunction<Long, Long> {
    private final long after;
    private long seen;
    private final List<Object> kept = new ArrayList<>();
    public ClassHog(long after) { this.after = after; }
    @Override public Long map(Long v) {
      if (++seen > after) {
        for (int i = 0; i < 200; i++) {
          ClassLoader cl = new URLClassLoader(new URL[0], ClassHog.class.getClassLoader());
          InvocationHandler h = (p, m, a) -> null;
          kept.add(Proxy.newProxyInstance(cl, new Class<?>[] {Runnable.class, java.util.function.Supplier.class}, h));
        }
      }
      return v;
    }
  }

  /** Opens a file for every record and never closes it: the process runs out of descriptors. */
  public static class FileHog implements MapFunction<Long, Long> {
    private final long after;
    private final String file;
    private long seen;
    private final List<InputStream> open = new ArrayList<>();
    public FileHog(long after, String file) { this.after = after; this.file = file; }
    @Override public Long map(Long v) throws Exception {
      if (++seen > after) open.add(new FileInputStream(file));
      return v;
    }
  }

  public static class WithRule implements MapFunction<Long, Long> {
    private final Object rule;
    public WithRule(Object rule) { this.rule = rule; }
    @Override public Long map(Long v) { return rule.hashCode() == 0 ? v + 1 : v; }
  }

  /** A client that is not serializable, held in a function's field. */
  public static class PriceClient {
    public long price(long v) { return v; }
  }

  public static class WithClient implements MapFunction<Long, Long> {
    private final PriceClient client = new PriceClient();
    @Override public Long map(Long v) { return client.price(v); }
  }
}
