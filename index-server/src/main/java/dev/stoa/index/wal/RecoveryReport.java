package dev.stoa.index.wal;

/**
 * What {@link ShardLog#open} found and repaired.
 *
 * @param segments segment files kept
 * @param startOffset first offset in the log
 * @param endOffset offset the next append gets
 * @param checkpoint what the {@code checkpoint} file held
 * @param checkpointOffset the durable offset it named (0 unless {@code checkpoint} is VALID)
 * @param recordsScanned records whose CRC was checked (those from the checkpoint's segment on)
 * @param bytesDropped bytes of torn or garbage tail that were zeroed (a WARNING when &gt; 0)
 * @param segmentsDropped whole segments deleted because they lay past a torn tail
 * @param indexesRebuilt offset indexes found missing or inconsistent and rebuilt
 * @param lostDurableRecords {@code checkpointOffset - endOffset} when the valid log ends below the
 *     checkpoint (records that were durable are gone; logged SEVERE), else 0
 */
public record RecoveryReport(int segments, long startOffset, long endOffset, CheckpointStatus checkpoint,
    long checkpointOffset, long recordsScanned, long bytesDropped, int segmentsDropped, int indexesRebuilt,
    long lostDurableRecords) {

  /** State of the checkpoint file at open. A CORRUPT one is treated as MISSING (full scan). */
  public enum CheckpointStatus {
    MISSING, VALID, CORRUPT
  }

  /** Records in the log after recovery. */
  public long recordsRecovered() {
    return endOffset - startOffset;
  }
}
