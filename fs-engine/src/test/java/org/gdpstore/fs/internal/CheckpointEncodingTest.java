package org.gdpstore.fs.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import org.gdpstore.fs.internal.proto.CheckpointEntry;
import org.gdpstore.fs.internal.proto.DirectoryCheckpoint;
import org.gdpstore.fs.internal.proto.FsRecord;
import org.gdpstore.fs.internal.proto.KeyChanges;
import org.gdpstore.fs.internal.proto.Namespace;
import org.gdpstore.wire.GdpName;
import org.junit.jupiter.api.Test;

/**
 * Checkpoint records written field by field ({@code Checkpoints.PartWriter}) parse to exactly the
 * messages the generated builders give (the encoder used up to format 5's first release), split
 * into the same parts: every kind of entry, tombstones, several versions, the change index,
 * retention and open intents.
 */
class CheckpointEncodingTest {
  @Test
  void directEncodingParsesAsTheBuilderEncodingPartForPart() throws Exception {
    Random rnd = new Random(3);
    NamespaceIndex index = new NamespaceIndex();
    long recno = 1;
    for (int commit = 0; commit < 60; commit++) {
      TreeMap<EntryKey, DirEntry> c = new TreeMap<>();
      if (commit == 0) {
        c.put(EntryKey.ROOT, DirEntry.dir(7));
        c.put(EntryKey.path("/d"), DirEntry.dir(0)); // zero fields are left out, as proto3 does
      }
      for (int i = 0; i < 60; i++) {
        int k = rnd.nextInt(2000);
        byte[] sha = new byte[32];
        rnd.nextBytes(sha);
        DirEntry e = switch (rnd.nextInt(5)) {
          case 0 -> null; // a delete
          case 1 -> DirEntry.inline(new byte[rnd.nextInt(200)], sha, rnd.nextLong());
          case 2 -> DirEntry.file(DirEntry.Kind.FILE, GdpName.of(sha), rnd.nextInt(1 << 20), sha, -rnd.nextInt(1000),
              2 + rnd.nextInt(100));
          case 3 -> DirEntry.dir(rnd.nextInt(1000));
          default -> DirEntry.inline(DirEntry.Kind.VALUE, ("value " + k).getBytes(), sha, 5);
        };
        c.put(rnd.nextBoolean() ? EntryKey.kv("key/" + k + "/\u00e9\u6f22") : EntryKey.path("/d/f" + k), e);
      }
      index.apply(++recno, 1_000_000L * commit, c);
    }
    index.raiseRetention(5, 3);
    index.addIntent(new LogIntents.Intent(new byte[] {1, 2, 3}, 1, 64, 99, true, 4));
    for (long previousCommit : new long[] {-1, 0, 30}) {
      List<ByteBuffer> direct = Checkpoints.encode(17, index, 5, previousCommit);
      List<ByteBuffer> reference = builderEncode(17, index, 5, previousCommit);
      assertThat(direct).hasSameSizeAs(reference);
      assertThat(reference.size()).as("several parts").isGreaterThan(2);
      for (int i = 0; i < direct.size(); i++) {
        assertThat(FsRecord.parseFrom(direct.get(i).duplicate()))
            .as("part %d, previous commit %d", i, previousCommit)
            .isEqualTo(FsRecord.parseFrom(reference.get(i).duplicate()));
      }
    }
  }

  // The builder-based encoder this replaced, kept here as the reference.
  private static List<ByteBuffer> builderEncode(long id, NamespaceIndex index, long previous, long previousCommit) {
    long at = index.head();
    long first = index.commitFirstRecno(at);
    long nanos = index.commitTime(at);
    boolean withChanges = previousCommit >= 0 && (index.base() <= 1 || index.base() <= previousCommit);
    List<ByteBuffer> parts = new ArrayList<>();
    DirectoryCheckpoint.Builder cur = refPart(id, 0, at, first, nanos, previous);
    int curSize = 0;
    for (EntryKey key : index.allKeys()) {
      NamespaceIndex.Version v = index.versionAt(key, at); // one lookup for the entry and its recno
      DirEntry e = v == null ? null : v.entry();
      if (e == null) {
        continue;
      }
      CheckpointEntry ce = CheckpointEntry.newBuilder()
          .setNamespace(key.kv() ? org.gdpstore.fs.internal.proto.Namespace.KV
              : org.gdpstore.fs.internal.proto.Namespace.FS)
          .setPath(key.kv() ? key.name() : key.name().substring(1))
          .setEntry(e.toProto())
          .setVersionRecno(v.recno())
          .build();
      int sz = ce.getSerializedSize() + 8;
      if (curSize > 0 && curSize + sz > CommitCodec.MAX_COMMIT_PART_BYTES) {
        parts.add(ByteBuffer.wrap(FsRecord.newBuilder().setCheckpoint(cur).build().toByteArray()));
        cur = refPart(id, parts.size(), at, first, nanos, previous);
        curSize = 0;
      }
      cur.addEntries(ce);
      curSize += sz;
    }
    if (withChanges) {
      for (EntryKey key : index.allKeys()) {
        long[] recnos = index.recnosAfter(key, previousCommit);
        if (recnos.length == 0) {
          continue;
        }
        KeyChanges kc = KeyChanges.newBuilder().setNamespace(key.kv() ? Namespace.KV : Namespace.FS)
            .setPath(key.kv() ? key.name() : key.name().substring(1))
            .addAllCommitRecnos(java.util.Arrays.stream(recnos).boxed().toList()).build();
        int sz = kc.getSerializedSize() + 8;
        if (curSize > 0 && curSize + sz > CommitCodec.MAX_COMMIT_PART_BYTES) {
          parts.add(ByteBuffer.wrap(FsRecord.newBuilder().setCheckpoint(cur).build().toByteArray()));
          cur = refPart(id, parts.size(), at, first, nanos, previous);
          curSize = 0;
        }
        cur.addChanges(kc);
        curSize += sz;
      }
      cur.setHasChanges(true).setPreviousCommitRecno(previousCommit);
    }
    cur.setLast(true);
    if (index.horizon() > 1 || index.reclaimed() > 0) { // format 4 only: no gc before it, fields omitted
      cur.setHorizonRecno(index.horizon()).setReclaimedRecno(index.reclaimed());
    }
    for (LogIntents.Intent i : index.openIntents()) { // format 5 only: no intents before it
      cur.addOpenIntents(LogIntents.toProto(i));
    }
    parts.add(ByteBuffer.wrap(FsRecord.newBuilder().setCheckpoint(cur).build().toByteArray()));
    return parts;
  }

  private static DirectoryCheckpoint.Builder refPart(long id, int part, long at, long first, long nanos,
      long previous) {
    return DirectoryCheckpoint.newBuilder().setCheckpointId(id).setPart(part).setCommitRecno(at)
        .setCommitFirstRecno(first).setCommitUnixNanos(nanos).setPreviousCheckpointRecno(previous);
  }
}
