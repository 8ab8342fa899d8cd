package dev.stoa.index.wal.impl;

import dev.stoa.index.wal.RecoveryReport;
import dev.stoa.index.wal.WalCorruptionException;
import dev.stoa.index.wal.impl.SegmentWalk.IndexMode;
import dev.stoa.index.wal.impl.SegmentWalk.Stop;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Opens the segments of a shard directory and brings them to a consistent state (FORMAT.md
 * "Recovery"). Segments before the checkpoint's segment are validated cheaply (index entries, the
 * headers after the last entry, the CRC of the last record, the chain of base offsets); from the
 * checkpoint's segment on every record's header and CRC32C is checked. The first invalid record at
 * or past the checkpoint starts a torn tail that is zeroed (and any later segment deleted); an
 * invalid record below the checkpoint, or a broken chain below it, is a {@link
 * WalCorruptionException}. Indexes that are missing or differ from what the log implies are
 * rebuilt. Single-threaded, before the log is shared.
 */
public final class LogRecovery {
  private static final Logger LOG = Logger.getLogger(LogRecovery.class.getName());

  /** The recovered segments (oldest first, never empty) and the report. */
  public record Result(List<Segment> segments, RecoveryReport report) {}

  private final Path dir;
  private final int segmentBytes;
  private final int interval;
  private final List<Segment> segments = new ArrayList<>();
  private long recordsScanned;
  private long bytesDropped;
  private int segmentsDropped;
  private int indexesRebuilt;

  private LogRecovery(Path dir, int segmentBytes, int interval) {
    this.dir = dir;
    this.segmentBytes = segmentBytes;
    this.interval = interval;
  }

  public static Result recover(Path dir, int segmentBytes, int indexIntervalBytes) throws IOException {
    LogRecovery r = new LogRecovery(dir, segmentBytes, indexIntervalBytes);
    try {
      return r.run();
    } catch (IOException | RuntimeException | Error e) {
      for (Segment s : r.segments) {
        try {
          s.close();
        } catch (IOException suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      throw e;
    }
  }

  private Result run() throws IOException {
    Files.deleteIfExists(dir.resolve(Checkpoint.TEMP_FILE));
    List<Long> bases = listBases();
    Checkpoint.Read cp = Checkpoint.read(dir);
    if (cp.status() == Checkpoint.Status.CORRUPT) {
      LOG.warning(() -> "shard " + dir + ": " + cp.problem() + "; ignoring it and checking every segment");
    }
    long cpOffset = cp.status() == Checkpoint.Status.VALID ? cp.offset() : 0;
    List<Boolean> indexExisted = new ArrayList<>();
    for (int i = 0; i < bases.size(); i++) {
      long base = bases.get(i);
      indexExisted.add(Files.exists(dir.resolve(Segment.indexFileName(base))));
      boolean last = i == bases.size() - 1;
      segments.add(Segment.open(dir, base, last ? segmentBytes : 0, interval));
    }
    if (segments.isEmpty()) {
      segments.add(Segment.create(dir, 0, segmentBytes, interval));
      indexExisted.add(true);
    }
    int scanFrom = 0;
    for (int i = 0; i < segments.size(); i++) {
      if (segments.get(i).baseOffset() <= cpOffset - 1) {
        scanFrom = i;
      }
    }
    for (int i = 0; i < scanFrom; i++) {
      validateCheaply(segments.get(i), segments.get(i + 1).baseOffset(), indexExisted.get(i), cpOffset);
    }
    long end = scanFully(scanFrom, cpOffset, indexExisted);
    Segment last = segments.getLast();
    if (last.capacity() < segmentBytes) { // a file cut short became the active segment: give it room
      Segment grown = Segment.open(dir, last.baseOffset(), segmentBytes, interval);
      grown.restore(last.position(), last.nextOffset(), last.firstTimestamp(), last.lastTimestamp());
      last.close();
      segments.set(segments.size() - 1, grown);
    }
    long lost = cp.status() == Checkpoint.Status.VALID && cpOffset > end ? cpOffset - end : 0;
    if (lost > 0) {
      LOG.severe(() -> "shard " + dir + ": the valid log ends at offset " + end + ", below the checkpoint "
          + cpOffset + ": " + lost + " durable records are missing (files truncated or lost by the disk)");
    }
    if (bytesDropped > 0) {
      LOG.warning(() -> "shard " + dir + ": recovery dropped a torn tail of " + bytesDropped + " bytes ("
          + segmentsDropped + " whole segments); the log ends at offset " + end);
    }
    RecoveryReport report = new RecoveryReport(segments.size(), segments.getFirst().baseOffset(), end,
        RecoveryReport.CheckpointStatus.valueOf(cp.status().name()), cpOffset, recordsScanned, bytesDropped,
        segmentsDropped, indexesRebuilt, lost);
    return new Result(List.copyOf(segments), report);
  }

  private List<Long> listBases() throws IOException {
    List<Long> bases = new ArrayList<>();
    List<Path> indexes = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) {
        String name = p.getFileName().toString();
        long base = Segment.parseBaseOffset(name);
        if (base >= 0) {
          bases.add(base);
        } else if (name.endsWith(".index")) {
          indexes.add(p);
        }
      }
    }
    bases.sort(null);
    for (Path p : indexes) {
      String name = p.getFileName().toString();
      String log = name.substring(0, name.length() - ".index".length()) + ".log";
      if (!Files.exists(dir.resolve(log))) {
        Files.delete(p); // an index without its log: derived data of nothing
      }
    }
    return bases;
  }

  /** A segment wholly below the checkpoint's segment: every record in it is below the checkpoint. */
  private void validateCheaply(Segment seg, long nextBase, boolean indexExisted, long cpOffset) {
    OffsetIndex index = seg.index();
    boolean indexOk = indexExisted || seg.capacity() == 0;
    int entries = index.entries();
    int prevPos = 0;
    long prevRel = -1;
    for (int k = 0; k < entries && indexOk; k++) {
      int rel = index.relativeOffset(k);
      int pos = index.position(k);
      indexOk = rel > prevRel && pos > prevPos && (pos & (RecordFormat.ALIGNMENT - 1)) == 0
          && RecordFormat.headerValid(seg.memory(), pos, seg.capacity(), seg.baseOffset() + rel);
      prevRel = rel;
      prevPos = pos;
    }
    SegmentWalk w = null;
    if (indexOk) {
      int fromPos = entries == 0 ? 0 : index.position(entries - 1);
      long fromOffset = entries == 0 ? seg.baseOffset() : seg.baseOffset() + index.relativeOffset(entries - 1);
      w = SegmentWalk.run(seg, fromPos, fromOffset, Integer.MAX_VALUE, false, IndexMode.CHECK, entries, fromPos,
          interval);
      indexOk = !w.indexMismatch && w.stop != Stop.BAD;
    }
    if (!indexOk) {
      index.clear();
      w = SegmentWalk.run(seg, 0, seg.baseOffset(), Integer.MAX_VALUE, false, IndexMode.REBUILD, 0, 0, interval);
      indexesRebuilt++;
    }
    if (w.stop == Stop.BAD) {
      throw new WalCorruptionException("shard " + dir + ": " + w.problem + ", below the checkpoint " + cpOffset);
    }
    if (w.next != nextBase) {
      throw new WalCorruptionException("shard " + dir + ": segment " + seg.logPath().getFileName() + " ends at offset "
          + w.next + " (position " + w.pos + ") but the next segment starts at offset " + nextBase
          + ", below the checkpoint " + cpOffset);
    }
    if (w.lastPos >= 0) {
      int len = RecordFormat.length(seg.memory(), w.lastPos);
      int computed = Segment.crcOf(new java.util.zip.CRC32C(), seg.newView(), w.lastPos, len);
      if (computed != RecordFormat.crc(seg.memory(), w.lastPos)) {
        throw new WalCorruptionException("shard " + dir + ": CRC32C mismatch for offset " + (w.next - 1)
            + " at position " + w.lastPos + " of " + seg.logPath() + ", below the checkpoint " + cpOffset);
      }
    }
    seg.restore(w.pos, w.next, w.firstTimestamp, w.lastTimestamp);
  }

  /** Scans segments {@code from..} with CRCs, drops a torn tail; returns the end offset. */
  private long scanFully(int from, long cpOffset, List<Boolean> indexExisted) throws IOException {
    long expected = segments.get(from).baseOffset();
    for (int i = from; i < segments.size(); i++) {
      Segment seg = segments.get(i);
      if (seg.baseOffset() != expected) {
        if (expected < cpOffset) {
          throw new WalCorruptionException("shard " + dir + ": segment " + seg.logPath().getFileName()
              + " starts at offset " + seg.baseOffset() + " but the previous segment ends at offset " + expected
              + ", below the checkpoint " + cpOffset);
        }
        dropFrom(i);
        break;
      }
      SegmentWalk w = SegmentWalk.run(seg, 0, seg.baseOffset(), Integer.MAX_VALUE, true, IndexMode.CHECK, 0, 0,
          interval);
      recordsScanned += w.records;
      boolean lastSegment = i == segments.size() - 1;
      boolean tornHere = false;
      if (w.stop == Stop.BAD) {
        if (w.next < cpOffset) {
          throw new WalCorruptionException("shard " + dir + ": " + w.problem + ", below the checkpoint " + cpOffset);
        }
        tornHere = true;
      }
      long garbageEnd = SegmentWalk.nonZeroEnd(seg.memory(), w.pos);
      if (!tornHere && garbageEnd > w.pos && w.next < cpOffset
          && (lastSegment || segments.get(i + 1).baseOffset() != w.next)) {
        throw new WalCorruptionException("shard " + dir + ": the records of " + seg.logPath() + " end at position "
            + w.pos + " (offset " + w.next + ", below the checkpoint " + cpOffset + ") but " + (garbageEnd - w.pos)
            + " non-zero bytes follow: a damaged record header");
      }
      if (garbageEnd > w.pos) {
        seg.memory().asSlice(w.pos, garbageEnd - w.pos).fill((byte) 0);
        bytesDropped += garbageEnd - w.pos;
        LOG.log(Level.FINE, () -> "shard " + dir + ": zeroed " + (garbageEnd - w.pos) + " bytes after position "
            + w.pos + " of " + seg.logPath() + (w.problem == null ? "" : ": " + w.problem));
      }
      int matched = w.indexMatched;
      boolean extraEntriesBelowEnd = matched < seg.index().entries() && seg.index().position(matched) < w.pos;
      if (w.indexMismatch || extraEntriesBelowEnd || (!indexExisted.get(i) && w.records > 0)) {
        seg.index().clear();
        SegmentWalk.run(seg, 0, seg.baseOffset(), w.pos, false, IndexMode.REBUILD, 0, 0, interval);
        indexesRebuilt++;
      } else {
        seg.index().truncateEntries(matched);
      }
      seg.restore(w.pos, w.next, w.firstTimestamp, w.lastTimestamp);
      expected = w.next;
      if (tornHere && !lastSegment) {
        dropFrom(i + 1);
        break;
      }
    }
    return expected;
  }

  private void dropFrom(int i) throws IOException {
    while (segments.size() > i) {
      Segment s = segments.removeLast();
      bytesDropped += SegmentWalk.nonZeroEnd(s.memory(), 0);
      segmentsDropped++;
      LOG.warning(() -> "shard " + dir + ": deleting segment " + s.logPath() + ", past a torn tail");
      s.delete();
    }
  }
}
